"""The loader: curated YAML records → checks → RDF with PROV-O provenance → the store."""

from .load import LoadResult, load, record_files
from .report import Message, Report, Severity

__all__ = ["load", "record_files", "LoadResult", "Report", "Message", "Severity"]
