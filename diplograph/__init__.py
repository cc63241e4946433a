"""Diplograph: a knowledge graph of diplomatic relations."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import Diplograph, open  # noqa: E402  (the version must exist first)

__all__ = ["Diplograph", "open", "__version__"]
