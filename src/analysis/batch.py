"""The quarterly batch: ingest, indicators, every notebook for every unit through papermill, HTML reports.

The only module that knows papermill. Jobs run in a small process pool (papermill's ``cwd`` is process-wide,
so never threads); a failed notebook is kept for debugging, gets no HTML, and the batch goes on.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat

from analysis import collect, paths, store
from analysis.errors import UserError
from analysis.ingest import runner
from analysis.periods import Period
from analysis.units import Unit, all_units

CITY_SLUG = "thanh-pho"
KERNEL = "python3"
# Kernel start races (ZMQ ports) are retried; a failing cell is not.
KERNEL_START_ERRORS = ("Kernel died before replying", "Address already in use", "Kernel didn't respond")


@dataclass
class Job:
    notebook: str  # file name in the notebooks folder
    unit: str | None  # None: a city-wide report
    slug: str
    parameters: dict
    executed: str  # path of the executed .ipynb
    html: str


@dataclass
class JobResult:
    notebook: str
    unit: str | None
    slug: str
    ok: bool
    seconds: float
    html: str | None = None
    title: str | None = None
    error: str | None = None
    executed: str | None = None


@dataclass
class BatchResult:
    period: str
    reports: Path
    results: list[JobResult] = field(default_factory=list)
    failed_before_jobs: str | None = None

    @property
    def ok(self) -> bool:
        return self.failed_before_jobs is None and all(r.ok for r in self.results)


class BatchError(UserError):
    """A batch that cannot start (unknown unit or notebook, a parameter the notebook does not declare)."""


def notebook_scope(path: Path) -> dict:
    """The notebook's "chiso" metadata: {"scope": "unit" | "city", "per_unit_source": optional source}."""
    nb = nbformat.read(path, as_version=4)
    return {"scope": "unit", **nb.metadata.get("chiso", {})}


def declared_parameters(path: Path) -> dict:
    import papermill

    return papermill.inspect_notebook(str(path))


def check_parameters(path: Path, parameters: dict, declared: dict) -> None:
    """papermill only warns on an unknown parameter: refuse it here, before anything runs."""
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise BatchError(f"{path.name}: parameter(s) {', '.join(unknown)} not declared in its parameters cell "
                         f"(declared: {', '.join(declared) or 'none'})")


def plan_jobs(period: Period, units: list[Unit], notebooks: list[Path], processed: Path,
              reports: Path) -> list[Job]:
    jobs = []
    for path in notebooks:
        scope = notebook_scope(path)
        declared = declared_parameters(path)
        targets: list[Unit | None] = []
        if scope["scope"] == "city":
            targets.append(None)
            source = scope.get("per_unit_source")
            if source:
                table = store.read_table(source, processed)
                present = set(table["unit"].dropna()) if table is not None and "unit" in table else set()
                targets += [u for u in units if u.unit in present]
        else:
            targets += units
        for unit in targets:
            slug = unit.slug if unit else CITY_SLUG
            parameters = {"period": period.label, "processed_dir": str(processed)}
            if unit is not None:
                parameters["unit"] = unit.unit
            elif "unit" in declared:
                parameters["unit"] = ""
            check_parameters(path, parameters, declared)
            folder = reports / period.label / slug
            jobs.append(Job(path.name, unit.unit if unit else None, slug, parameters,
                            str(folder / f"{path.stem}.ipynb"), str(folder / f"{path.stem}.html")))
    return jobs


def run_job(job: Job, notebooks_dir: str) -> JobResult:
    """Execute one notebook (kept as the record of its run) and render it when it succeeded."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.render import render_file

    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    os.environ.setdefault("PYTHONUTF8", "1")
    Path(job.executed).parent.mkdir(parents=True, exist_ok=True)
    Path(job.html).unlink(missing_ok=True)  # a report from an earlier run must not outlive a failure now
    # The kernel's own chatter (ipykernel's transport warning, library messages) goes to a log beside the
    # executed notebook, not over the batch's progress lines. This process is a pool worker: fd 2 is its own.
    with open(Path(job.executed).with_suffix(".log"), "w", encoding="utf-8") as kernel_log:
        os.dup2(kernel_log.fileno(), 2)
    started = time.perf_counter()
    for attempt in range(3):
        try:
            papermill.execute_notebook(
                str(Path(notebooks_dir) / job.notebook), job.executed, parameters=job.parameters,
                kernel_name=KERNEL, progress_bar=False, start_timeout=180, execution_timeout=900,
                shutdown_kernel="immediate", cwd=notebooks_dir)
            break
        except PapermillExecutionError as exc:
            return JobResult(job.notebook, job.unit, job.slug, False, time.perf_counter() - started,
                             error=f"{exc.ename}: {exc.evalue}", executed=job.executed)
        except Exception as exc:  # kernel start failures: retry twice, then report
            if attempt == 2 or not any(m in str(exc) for m in KERNEL_START_ERRORS):
                return JobResult(job.notebook, job.unit, job.slug, False, time.perf_counter() - started,
                                 error=f"{type(exc).__name__}: {exc}", executed=job.executed)
    title = render_file(Path(job.executed), Path(job.html), Path(job.notebook).stem)
    return JobResult(job.notebook, job.unit, job.slug, True, time.perf_counter() - started,
                     html=job.html, title=title, executed=job.executed)


def select_units(names: list[str] | None) -> list[Unit]:
    known = all_units()
    if not names:
        return known
    from analysis.units import find
    chosen = []
    for name in names:
        unit = find(name)
        if unit is None:
            raise BatchError(f"unknown unit {name!r}; known: {', '.join(u.unit for u in known)}")
        chosen.append(unit)
    return chosen


def select_notebooks(folder: Path, names: list[str] | None) -> list[Path]:
    available = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return available
    chosen = []
    for name in names:
        match = [p for p in available if p.stem == name or p.name == name or p.stem.startswith(f"{name}_")]
        if not match:
            raise BatchError(f"unknown notebook {name!r}; available: {', '.join(p.stem for p in available)}")
        chosen += match
    return chosen


def run_batch(period: Period, *, units: list[str] | None = None, notebooks: list[str] | None = None,
              jobs: int = 2, raw: Path = paths.RAW, processed: Path = paths.PROCESSED,
              reports: Path = paths.REPORTS, notebooks_dir: Path = paths.NOTEBOOKS,
              log=print) -> BatchResult:
    started = time.perf_counter()
    chosen_units = select_units(units)
    chosen_notebooks = select_notebooks(notebooks_dir, notebooks)
    out = reports / period.label
    out.mkdir(parents=True, exist_ok=True)

    log(f"Ingest {raw} -> {processed}")
    t0 = time.perf_counter()
    ingest_manifest = runner.run(raw, processed)
    for source, info in ingest_manifest["sources"].items():
        log(f"  {source}: {info['rows']} rows from {info['files']} file(s){' (demo)' if info['demo'] else ''}")
    ingest_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    indicators = collect.all_rows(processed, period)
    from analysis import workbook
    from analysis.collect import plan

    actions = plan.action_lists(processed, [u.unit for u in chosen_units])
    workbook.write(indicators, out, actions, plan.verdicts(indicators))
    log(f"Indicators: {len(indicators)} rows -> {out / 'indicators.csv'}, indicators.xlsx")
    indicator_seconds = time.perf_counter() - t0

    demo = any(info["demo"] for info in ingest_manifest["sources"].values())
    result = run_reports(period, chosen_units, chosen_notebooks, processed=processed, reports=reports,
                         jobs=jobs, notebooks_dir=notebooks_dir, demo=demo, log=log)
    write_manifest(out, period, result, ingest_manifest, jobs, {
        "ingest": ingest_seconds, "indicators": indicator_seconds, "total": time.perf_counter() - started})
    failed = [r for r in result.results if not r.ok]
    log(f"Done in {time.perf_counter() - started:.1f} s: {len(result.results) - len(failed)} report(s) ok, "
        f"{len(failed)} failed. Open {out / 'index.html'}")
    for r in failed:
        log(f"  FAILED {r.notebook} · {r.unit or 'toàn thành phố'}: {r.error} (kept: {r.executed})")
    return result


def run_reports(period: Period, units: list[Unit], notebooks: list[Path], *, processed: Path, reports: Path,
                jobs: int, notebooks_dir: Path, demo: bool, log=print) -> BatchResult:
    """Every notebook for every unit in a process pool, then the index page; failures do not stop the rest."""
    from analysis import index_page

    planned = plan_jobs(period, units, notebooks, processed, reports)
    log(f"Notebooks: {len(planned)} job(s) on {jobs} worker(s)")
    out = reports / period.label
    result = BatchResult(period.label, out)
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_job, job, str(notebooks_dir)) for job in planned]
        for done, future in enumerate(as_completed(futures), 1):
            job_result = future.result()
            result.results.append(job_result)
            mark = "ok  " if job_result.ok else "FAIL"
            where = job_result.unit or "toàn thành phố"
            log(f"  [{done}/{len(planned)}] {mark} {job_result.notebook} · {where} ({job_result.seconds:.1f} s)"
                + (f" — {job_result.error}" if job_result.error else ""))
    result.results.sort(key=lambda r: (r.notebook, r.slug))
    add_navigation(result.results, out, units)
    index_page.write(out / "index.html", period, result.results, units, demo)
    return result


def add_navigation(results: list[JobResult], out: Path, units: list[Unit]) -> None:
    """Every built report gets its navigation header (index, the unit's other reports, city overview)."""
    from analysis import nav

    built = [nav.Built(r.slug, Path(r.notebook).stem, Path(r.html), r.title or "") for r in results if r.ok and r.html]
    nav.add_headers(built, out / "index.html", {u.slug: u.display for u in units})


def write_manifest(out: Path, period: Period, result: BatchResult, ingest_manifest: dict, jobs: int,
                   seconds: dict) -> None:
    """The run's record: versions, parameters, input hashes and durations (not part of any report)."""
    versions = {name: _version(name) for name in
                ("pandas", "pyarrow", "python-calamine", "papermill", "nbconvert", "matplotlib", "seaborn")}
    manifest = {
        "period": period.label,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": versions,
        "jobs": jobs,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "inputs": [{k: f[k] for k in ("file", "source", "sha256", "rows_read", "demo")}
                   for f in ingest_manifest["files"]],
        "reports": [{**asdict(r), "seconds": round(r.seconds, 3)} for r in result.results],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
