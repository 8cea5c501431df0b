"""Reading and writing the processed layer: one Parquet table per source, its quarantine, and manifest.json.

Every table is checked against its schema (``analysis.schemas``) when it is written and when it is read, so the
contract between ingest and the indicators is enforced in one place. What goes into the manifest is decided
by the ingest runner; this module only stores it.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import UserError
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
    checked, checked_quarantine = schemas.table(source).check(table), schemas.QUARANTINE.check(quarantine)
    file_cache.forget(table_path, quarantine_path)
    _write_atomic(table_path, lambda tmp: checked.to_parquet(tmp, index=False))
    _write_atomic(quarantine_path, lambda tmp: checked_quarantine.to_parquet(tmp, index=False))


class DiskFullError(UserError):
    """The processed folder could not take a file: the disk (or a size limit) is full; nothing was replaced."""


# A write that fails for want of room: no space, a quota, a file-size limit (EFBIG, or SIGXFSZ ignored).
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` to a temporary name beside ``path``, then one rename: a reader sees the old file or the new one,
    never a truncated one (a full disk mid-write leaves the old file as it was)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with _no_room_is_one_line(path):
            write(tmp)
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _no_room_is_one_line(path: Path):
    try:
        yield
    except OSError as exc:
        if exc.errno in _NO_ROOM or "No space left" in str(exc) or "File too large" in str(exc):
            raise DiskFullError(
                f"{path}: not written, the disk is full ({exc.strerror or exc}); "
                "the previous processed data is unchanged"
            ) from None
        raise


def remove_table(source: str, out: Path) -> None:
    """Forget a source that had no export this run, so no stale table is read as current."""
    file_cache.forget(*table_files(source, out))
    for path in table_files(source, out):
        path.unlink(missing_ok=True)


def write_manifest(manifest: dict, out: Path) -> None:
    """Written after the tables (the runner's order), atomically: the manifest never names tables not yet there."""
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    _write_atomic(out / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"))


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
