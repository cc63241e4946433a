"""Maintenance tools for the project's own files."""
