"""Reading and writing the processed layer: one Parquet table per source, its quarantine, and manifest.json."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.ingest.accounting import SourceResult, quarantine_frame

MANIFEST = "manifest.json"


def processed_dir(folder: str | Path | None = None) -> Path:
    return Path(folder) if folder else paths.PROCESSED


def write_results(results: list[SourceResult], out: Path, raw: Path) -> dict:
    """Write every source's table and quarantine, then the manifest that accounts for every file."""
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        result.table.to_parquet(out / f"{result.source}.parquet", index=False)
        result.quarantine.to_parquet(out / f"{result.source}_quarantine.parquet", index=False)
    manifest = {
        "raw": str(raw),
        "sources": {r.source: {"rows": int(len(r.table)), "demo": any(f.demo for f in r.files),
                               "files": len(r.files)} for r in results},
        "files": [f.as_dict() for r in results for f in r.files],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def read_manifest(folder: str | Path | None = None) -> dict:
    path = processed_dir(folder) / MANIFEST
    if not path.exists():
        return {"sources": {}, "files": []}
    return json.loads(path.read_text(encoding="utf-8"))


def read_table(source: str, folder: str | Path | None = None) -> pd.DataFrame | None:
    """The processed table of a source, or None when that source had no export."""
    path = processed_dir(folder) / f"{source}.parquet"
    return pd.read_parquet(path) if path.exists() else None


def read_quarantine(source: str, folder: str | Path | None = None) -> pd.DataFrame:
    path = processed_dir(folder) / f"{source}_quarantine.parquet"
    return pd.read_parquet(path) if path.exists() else quarantine_frame([])


def is_demo(sources: list[str], folder: str | Path | None = None) -> bool:
    """True when any file behind these sources is demo data."""
    known = read_manifest(folder)["sources"]
    return any(known.get(s, {}).get("demo", False) for s in sources)
