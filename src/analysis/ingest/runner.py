"""Run every source's ingest over a raw folder and write the processed layer in one go."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

from analysis import store
from analysis.ingest import manual_figures, one_stop, papi_survey, par, plan_progress, sipas
from analysis.ingest.accounting import SourceResult
from analysis.readers.files import list_files

# Source name -> its ``ingest(raw_dir) -> SourceResult | None``; the folder under data/raw/ is the name.
SOURCES: dict[str, Callable[[Path], SourceResult | None]] = {
    "one_stop": one_stop.ingest,
    "sipas": sipas.ingest,
    "par_index": par.ingest,
    "papi_survey": papi_survey.ingest,
    "plan_progress": plan_progress.ingest,
    "manual_figures": manual_figures.ingest,
}


def run(raw: Path, out: Path, executor: Executor | None = None) -> dict:
    """Ingest every source; a source without files leaves no table behind (stale tables are removed).

    Sources are independent until the manifest: with ``executor`` (the batch's or the CLI's workers), every
    source but the first (one-stop, the largest) is ingested there, one job each, while this process ingests
    one-stop, whose files it shares with the workers."""
    others = list(SOURCES)[1:]
    pending = {name: executor.submit(ingest_source, name, Path(raw)) for name in others} if executor else {}
    results = []
    for source in SOURCES:
        if source in pending:
            result = pending[source].result()
        elif source == one_stop.SOURCE:
            result = one_stop.ingest(Path(raw), executor)
        else:
            result = ingest_source(source, Path(raw))
        if result is None:
            store.remove_table(source, Path(out))
            continue
        for account in result.files:
            account.check()
        results.append(result)
    return write_results(results, Path(out), Path(raw))


def ingest_source(source: str, raw: Path) -> SourceResult | None:
    """One source's ingest (a module-level function, so a worker process can be sent it)."""
    return SOURCES[source](raw)


def write_results(results: list[SourceResult], out: Path, raw: Path) -> dict:
    """Write every source's table and quarantine, then the manifest that accounts for every file."""
    for result in results:
        store.write_table(result.source, result.table, result.quarantine, out)
    manifest = {
        "raw": str(raw),
        "sources": {
            r.source: {"rows": int(len(r.table)), "demo": any(f.demo for f in r.files), "files": len(r.files)}
            for r in results
        },
        "files": [f.as_dict() for r in results for f in r.files],
    }
    store.write_manifest(manifest, out)
    return manifest


def file_count(raw: Path) -> int:
    """How many exports ``raw`` holds across the sources (one file gains nothing from parallel workers)."""
    return sum(len(list_files(Path(raw) / source)) for source in SOURCES)


def has_exports(raw: Path) -> bool:
    """True when any source folder under ``raw`` holds a readable export."""
    return any(list_files(Path(raw) / source) for source in SOURCES)
