"""Writing a panel: CSV with its CSV on the Web metadata beside it, or Parquet (pyarrow)
with the same metadata inside the file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .metadata import for_file

FORMATS = ("csv", "parquet")
METADATA_KEY = "diplograph"


class WriteError(RuntimeError):
    """The panel could not be written (unknown format, pyarrow missing)."""


def format_of(path: Path, fmt: str | None) -> str:
    """The format asked for, else the one the file's suffix names (csv by default)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise WriteError(f"unknown format '{fmt}' (csv or parquet)")
        return fmt
    return "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"


def metadata_path(path: Path) -> Path:
    """Where CSVW processors look for a CSV file's metadata: ``FILE-metadata.json``."""
    return path.with_name(path.name + "-metadata.json")


def write(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> list[Path]:
    """Write ``frame`` (a panel, with its description in ``frame.attrs['diplograph']``);
    return the files written."""
    path = Path(path)
    fmt = format_of(path, fmt)
    description = frame.attrs.get(METADATA_KEY)
    if description is None:
        raise WriteError("this DataFrame carries no panel description (build it with diplograph's panel())")
    document = for_file(description, path.name)
    if fmt == "parquet":
        _parquet(frame, path, document)
        return [path]
    frame.to_csv(path, index=False, float_format="%.10g", date_format="%Y-%m-%d", lineterminator="\n")
    sidecar = metadata_path(path)
    sidecar.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [path, sidecar]


def _parquet(frame: pd.DataFrame, path: Path, document: dict) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise WriteError("Parquet needs pyarrow: pip install 'diplograph[parquet]'") from None
    table = pa.Table.from_pandas(frame, preserve_index=False)
    extra = {
        b"csvw": json.dumps(document, ensure_ascii=False).encode("utf-8"),
        b"license": str(document["dc:license"]["@id"]).encode("utf-8"),
        b"citation": document["dc:bibliographicCitation"].encode("utf-8"),
    }
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
    pq.write_table(table, path)


_DTYPES = {"integer": "Int64", "decimal": "float64", "string": "string"}


def read(path: str | Path) -> pd.DataFrame:
    """A written panel back as a DataFrame with the types its metadata states (codes that
    may be empty as nullable integers, not floats); its description in ``attrs``."""
    path = Path(path)
    document = read_metadata(path)
    if format_of(path, None) == "parquet":
        frame = pd.read_parquet(path)
    else:
        columns = document["tableSchema"]["columns"]
        dtypes = {c["name"]: _DTYPES[c["datatype"]] for c in columns if c["datatype"] in _DTYPES}
        dates = [c["name"] for c in columns if c["datatype"] == "date"]
        frame = pd.read_csv(path, dtype=dtypes, parse_dates=dates, keep_default_na=False, na_values=[""])
    frame.attrs[METADATA_KEY] = {k: v for k, v in document.items() if k != "url"}
    return frame


def read_metadata(path: str | Path) -> dict:
    """The CSVW description of a written panel: from the sidecar of a CSV file, or from
    inside a Parquet file."""
    path = Path(path)
    if format_of(path, None) == "parquet":
        import pyarrow.parquet as pq

        return json.loads(pq.read_schema(path).metadata[b"csvw"])
    return json.loads(metadata_path(path).read_text(encoding="utf-8"))
