"""Run every source's ingest over a raw folder and write the processed layer in one go."""
from __future__ import annotations

import importlib
from pathlib import Path

from analysis import store

# Source name -> module with ``ingest(raw_dir) -> SourceResult | None``; the folder under data/raw/ is the name.
SOURCES = {
    "one_stop": "analysis.ingest.one_stop",
    "sipas": "analysis.ingest.sipas",
    "par_index": "analysis.ingest.par",
    "papi_survey": "analysis.ingest.papi_survey",
    "plan_progress": "analysis.ingest.plan_progress",
    "manual_figures": "analysis.ingest.manual_figures",
}


def run(raw: Path, out: Path) -> dict:
    """Ingest every source; a source without files leaves no table behind (stale tables are removed)."""
    results = []
    for source, module_name in SOURCES.items():
        result = importlib.import_module(module_name).ingest(Path(raw))
        if result is None:
            for stale in (out / f"{source}.parquet", out / f"{source}_quarantine.parquet"):
                stale.unlink(missing_ok=True)
            continue
        for account in result.files:
            account.check()
        results.append(result)
    return store.write_results(results, Path(out), Path(raw))


def has_exports(raw: Path) -> bool:
    """True when any source folder under ``raw`` holds a readable export."""
    from analysis.ingest.tables import list_files

    return any(list_files(Path(raw) / source) for source in SOURCES)
