"""Reading and writing the processed layer: one Parquet table per source, its quarantine, and manifest.json.

Every table is checked against its schema (``analysis.schemas``) when it is written and when it is read, so the
contract between ingest and the indicators is enforced in one place. What goes into the manifest is decided
by the ingest runner; this module only stores it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.store import cache as file_cache
from analysis.store import schemas

MANIFEST = "manifest.json"


def processed_dir(folder: str | Path | None = None) -> Path:
    return Path(folder) if folder else paths.PROCESSED


def table_files(source: str, folder: Path) -> tuple[Path, Path]:
    """A source's table and quarantine files in ``folder``."""
    return folder / f"{source}.parquet", folder / f"{source}_quarantine.parquet"


def write_table(source: str, table: pd.DataFrame, quarantine: pd.DataFrame, out: Path) -> None:
    """A source's table and its quarantine, each checked against its schema first."""
    table_path, quarantine_path = table_files(source, out)
    out.mkdir(parents=True, exist_ok=True)
    file_cache.forget(table_path, quarantine_path)
    schemas.table(source).check(table).to_parquet(table_path, index=False)
    schemas.QUARANTINE.check(quarantine).to_parquet(quarantine_path, index=False)


def remove_table(source: str, out: Path) -> None:
    """Forget a source that had no export this run, so no stale table is read as current."""
    file_cache.forget(*table_files(source, out))
    for path in table_files(source, out):
        path.unlink(missing_ok=True)


def write_manifest(manifest: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def read_manifest(folder: str | Path | None = None) -> dict:
    path = processed_dir(folder) / MANIFEST
    if not path.exists():
        return {"sources": {}, "files": []}
    return json.loads(path.read_text(encoding="utf-8"))


def _read_parquet(path: Path, schema: schemas.Schema) -> pd.DataFrame | None:
    """The file checked against ``schema``, read once per version of the file in this process; None when absent.

    A shallow copy: under pandas' copy-on-write a change a caller makes to it never reaches the cached frame."""
    if not path.exists():
        return None
    frame = file_cache.memo("parquet", (schema.name,), [path], lambda: schema.check(pd.read_parquet(path)))
    return frame.copy(deep=False)


def read_table(source: str, folder: str | Path | None = None) -> pd.DataFrame | None:
    """The processed table of a source, checked against its schema, or None when that source had no export."""
    return _read_parquet(table_files(source, processed_dir(folder))[0], schemas.table(source))


def read_quarantine(source: str, folder: str | Path | None = None) -> pd.DataFrame:
    found = _read_parquet(table_files(source, processed_dir(folder))[1], schemas.QUARANTINE)
    return schemas.QUARANTINE.empty() if found is None else found


def is_demo(sources: list[str], folder: str | Path | None = None) -> bool:
    """True when any file behind these sources is demo data."""
    known = read_manifest(folder)["sources"]
    return any(known.get(s, {}).get("demo", False) for s in sources)
