"""The quarterly batch: ingest, indicators, every notebook for every unit through papermill, HTML reports.

The only module that knows papermill (with ``kernel``). Jobs, one per unit and notebook, go to a standard
``concurrent.futures`` executor: a local process pool by default, a dask.distributed cluster with ``--scheduler``.
Each worker runs its notebooks in one warm kernel (``analysis.kernel``); a failed notebook is kept for
debugging, gets no HTML, and the batch goes on. Everything is written into a run folder first and published
when complete (``analysis.runs``), under a lock on the processed and reports folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path

import nbformat

from analysis import collect, kernel, paths, runs, store, workbook
from analysis.collect import plan
from analysis.errors import UserError
from analysis.ingest import runner
from analysis.periods import Period
from analysis.units import Unit, all_units
from analysis.workers import WarmUp, local_pool

CITY_SLUG = "thanh-pho"
# Kernel start races (ZMQ ports) are retried; a failing cell is not.
KERNEL_START_ERRORS = ("Kernel died before replying", "Address already in use", "Kernel didn't respond")
NOTEBOOKS_PER_KERNEL = 20  # a warm kernel is restarted after this many notebooks (1: a new kernel each time)


@dataclass
class Job:
    notebook: str  # file name in the notebooks folder
    unit: str | None  # None: a city-wide report
    slug: str
    parameters: dict
    executed: str  # path of the executed .ipynb
    html: str
    notebooks_dir: str = str(paths.NOTEBOOKS)
    kernel_log: str = ""  # the worker kernel's stderr
    notebooks_per_kernel: int = NOTEBOOKS_PER_KERNEL


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
        raise BatchError(
            f"{path.name}: parameter(s) {', '.join(unknown)} not declared in its parameters cell "
            f"(declared: {', '.join(declared) or 'none'})"
        )


def plan_jobs(period: Period, units: list[Unit], notebooks: list[Path], processed: Path, out: Path) -> list[Job]:
    """One job per notebook and unit; ``out`` is the folder that gets one sub-folder per unit slug."""
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
            folder = out / slug
            jobs.append(
                Job(
                    path.name,
                    unit.unit if unit else None,
                    slug,
                    parameters,
                    str(folder / f"{path.stem}.ipynb"),
                    str(folder / f"{path.stem}.html"),
                    notebooks_dir=str(path.parent),
                    kernel_log=str(out / "logs" / "kernel.log"),
                )
            )
    return jobs


def longest_first(jobs: list[Job], previous: Path | None) -> list[Job]:
    """Longest jobs first, so the last minutes are not one long report on one core while the other idles.

    Durations come from the previous run's manifest (same unit and notebook, else that notebook's mean);
    without one, city-wide reports (which read every unit) first, then notebook order.
    """
    seconds: dict[tuple[str, str], float] = {}
    if previous is not None and previous.is_file():
        try:
            for r in json.loads(previous.read_text(encoding="utf-8")).get("reports", []):
                seconds[(r["notebook"], r["slug"])] = float(r["seconds"])
        except (ValueError, KeyError, TypeError):
            seconds = {}
    by_notebook: dict[str, list[float]] = {}
    for (notebook, _), value in seconds.items():
        by_notebook.setdefault(notebook, []).append(value)

    def estimate(job: Job) -> float:
        known = seconds.get((job.notebook, job.slug))
        if known is None and job.notebook in by_notebook:
            known = sum(by_notebook[job.notebook]) / len(by_notebook[job.notebook])
        return known if known is not None else (2.0 if job.unit is None else 1.0)

    return sorted(jobs, key=lambda j: -estimate(j))


def run_job(job: Job) -> JobResult:
    """Execute one notebook in this worker's warm kernel (kept as the record of its run), render it if it passed.

    Runs in a pool worker process or a dask worker thread; the job's folder exists already (made by the batch),
    so a job that outlives an interrupted batch cannot recreate a discarded run folder.
    """
    from papermill.exceptions import PapermillExecutionError

    from analysis.render import render_file

    started = time.perf_counter()
    warm = kernel.for_this_thread(job.notebooks_dir, job.kernel_log, job.notebooks_per_kernel)

    def failed(error: str) -> JobResult:
        return JobResult(
            job.notebook, job.unit, job.slug, False, time.perf_counter() - started, error=error, executed=job.executed
        )

    for attempt in range(3):
        try:
            kernel.execute(
                warm,
                str(Path(job.notebooks_dir) / job.notebook),
                job.executed,
                job.parameters,
                start_timeout=180,
                execution_timeout=900,
            )
            break
        except PapermillExecutionError as exc:
            return failed(f"{exc.ename}: {exc.evalue}")
        except Exception as exc:  # kernel start failures: retry twice, then report
            if attempt == 2 or not any(m in str(exc) for m in KERNEL_START_ERRORS):
                return failed(f"{type(exc).__name__}: {exc}")
    title = render_file(Path(job.executed), Path(job.html), Path(job.notebook).stem)
    return JobResult(
        job.notebook,
        job.unit,
        job.slug,
        True,
        time.perf_counter() - started,
        html=job.html,
        title=title,
        executed=job.executed,
    )


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


def run_batch(
    period: Period,
    *,
    units: list[str] | None = None,
    notebooks: list[str] | None = None,
    jobs: int = 2,
    raw: Path = paths.RAW,
    processed: Path = paths.PROCESSED,
    reports: Path = paths.REPORTS,
    notebooks_dir: Path = paths.NOTEBOOKS,
    scheduler: str | None = None,
    notebooks_per_kernel: int = NOTEBOOKS_PER_KERNEL,
    wait: bool = False,
    log=print,
) -> BatchResult:
    """The whole batch under the folder locks: ingest, indicators, reports into a new run folder, then publish.

    Interrupted (Ctrl-C, SIGTERM) or failing before the end, it stops its workers, deletes the unfinished run
    folder and leaves the previous complete run in place.
    """
    started = time.perf_counter()
    chosen_units = select_units(units)
    chosen_notebooks = select_notebooks(notebooks_dir, notebooks)
    period_dir = reports / period.label
    with runs.locked([processed, reports], wait=wait, log=log), _sigterm_as_interrupt():
        runs.recover(period_dir)
        previous = period_dir / runs.MANIFEST
        stage = runs.new_run(period_dir)
        try:
            seconds: dict[str, float] = {}
            warm = WarmUp.of(notebooks_dir, chosen_notebooks, stage, notebooks_per_kernel)
            # The workers start their kernels and imports while this process ingests one-stop; then they ingest
            # the other sources.
            with _executor(jobs, scheduler, warm) as (executor, workers):
                log(f"Ingest {raw} -> {processed}")
                t0 = time.perf_counter()
                ingest_manifest = runner.run(raw, processed, executor)
                for source, info in ingest_manifest["sources"].items():
                    demo_mark = " (demo)" if info["demo"] else ""
                    log(f"  {source}: {info['rows']} rows from {info['files']} file(s){demo_mark}")
                seconds["ingest"] = time.perf_counter() - t0

                def indicator_files() -> None:  # while the workers run the first notebooks
                    t0 = time.perf_counter()
                    indicators = collect.all_rows(processed, period)
                    actions = plan.action_lists(processed, [u.unit for u in chosen_units])
                    workbook.write(indicators, stage, actions, plan.verdicts(indicators))
                    log(f"Indicators: {len(indicators)} rows -> indicators.csv, indicators.xlsx")
                    seconds["indicators"] = time.perf_counter() - t0

                demo = any(info["demo"] for info in ingest_manifest["sources"].values())
                result = run_reports(
                    period,
                    chosen_units,
                    chosen_notebooks,
                    processed=processed,
                    reports=reports,
                    jobs=workers,
                    notebooks_dir=notebooks_dir,
                    demo=demo,
                    log=log,
                    into=stage,
                    executor=executor,
                    notebooks_per_kernel=notebooks_per_kernel,
                    previous=previous,
                    meanwhile=indicator_files,
                )
            write_manifest(
                stage,
                period,
                result,
                ingest_manifest,
                workers,
                {**seconds, "total": time.perf_counter() - started},
                scheduler=scheduler,
                previous=previous,
            )
            runs.publish(stage)
        except BaseException:
            runs.discard(stage)
            raise
    result = at_top_level(result, stage, period_dir)
    failed = [r for r in result.results if not r.ok]
    log(
        f"Done in {time.perf_counter() - started:.1f} s: {len(result.results) - len(failed)} report(s) ok, "
        f"{len(failed)} failed. Open {period_dir / runs.INDEX} (this run is kept in {stage})"
    )
    for r in failed:
        log(f"  FAILED {r.notebook} · {r.unit or 'toàn thành phố'}: {r.error} (kept: {r.executed})")
    return result


def at_top_level(result: BatchResult, stage: Path, period_dir: Path) -> BatchResult:
    """The published copies' paths (what a reader opens), not the run folder's."""

    def moved(path: str | None) -> str | None:
        return str(period_dir / Path(path).relative_to(stage)) if path else path

    results = [replace(r, html=moved(r.html), executed=moved(r.executed)) for r in result.results]
    return BatchResult(result.period, period_dir, results, result.failed_before_jobs)


@contextmanager
def _executor(jobs: int, scheduler: str | None, warm: WarmUp) -> Iterator[tuple[Executor, int]]:
    """(executor, workers): a local pool of ``jobs`` warm-kernel processes, or the dask cluster at ``scheduler``."""
    if not scheduler:
        with local_pool(jobs, warm) as pool:
            yield pool, jobs
        return
    try:
        from distributed import Client
    except ImportError:
        raise BatchError("--scheduler needs dask.distributed: pip install 'chiso-analysis[distributed]'") from None
    try:
        client = Client(scheduler, timeout=30)
    except OSError as exc:
        raise BatchError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
    executor = client.get_executor(pure=False)
    try:
        yield executor, sum(client.nthreads().values()) or 1
    except BaseException:
        executor.shutdown(wait=False)  # cancels the jobs that have not started
        raise
    finally:
        try:
            client.run(kernel.shutdown_all)  # warm kernels live as long as the batch, not the cluster
        finally:
            client.close()


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the batch the way Ctrl-C does (KeyboardInterrupt), so the same cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_reports(
    period: Period,
    units: list[Unit],
    notebooks: list[Path],
    *,
    processed: Path,
    reports: Path,
    jobs: int,
    notebooks_dir: Path,
    demo: bool,
    log=print,
    into: Path | None = None,
    executor: Executor | None = None,
    notebooks_per_kernel: int = NOTEBOOKS_PER_KERNEL,
    previous: Path | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> BatchResult:
    """Every notebook for every unit, then the index page; failures do not stop the rest.

    Writes into ``into`` (default ``reports/<P>``, directly: ``run_batch`` passes its run folder). Jobs go to
    ``executor``, or to a local pool of ``jobs`` warm-kernel processes made here and stopped with the batch.
    ``meanwhile`` runs in this process once the jobs are submitted (the batch writes the indicator files then).
    """
    from analysis import index_page

    out = into if into is not None else reports / period.label
    planned = plan_jobs(period, units, notebooks, processed, out)
    planned = longest_first(
        [replace(j, notebooks_per_kernel=notebooks_per_kernel) for j in planned],
        previous if previous is not None else out / runs.MANIFEST,
    )
    for folder in sorted({Path(j.executed).parent for j in planned} | {out / "logs"}):
        folder.mkdir(parents=True, exist_ok=True)
    log(f"Notebooks: {len(planned)} job(s) on {jobs} worker(s)")
    result = BatchResult(period.label, out)
    with ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(
                local_pool(jobs, WarmUp.of(notebooks_dir, notebooks, out, notebooks_per_kernel))
            )
        _run_jobs(executor, planned, result, log, meanwhile)
    result.results.sort(key=lambda r: (r.notebook, r.slug))
    add_navigation(result.results, out, units)
    index_page.write(out / runs.INDEX, period, result.results, units, demo)
    return result


def _run_jobs(
    pool: Executor, planned: list[Job], result: BatchResult, log, meanwhile: Callable[[], None] | None
) -> None:
    """Submit every job, do ``meanwhile`` while they run, then gather the results as they finish."""
    futures: list[Future] = []
    try:
        futures = [pool.submit(run_job, job) for job in planned]
        if meanwhile is not None:
            meanwhile()
        for done, future in enumerate(as_completed(futures), 1):
            job_result = future.result()
            result.results.append(job_result)
            mark = "ok  " if job_result.ok else "FAIL"
            where = job_result.unit or "toàn thành phố"
            log(
                f"  [{done}/{len(planned)}] {mark} {job_result.notebook} · {where} ({job_result.seconds:.1f} s)"
                + (f" — {job_result.error}" if job_result.error else "")
            )
    except BaseException:
        # A local pool is stopped by its owner (local_pool), which terminates the workers: cancelling its
        # futures first races with the pool's own clean-up (CPython 3.11 raises InvalidStateError in a thread).
        if not isinstance(pool, ProcessPoolExecutor):
            for future in futures:
                future.cancel()
        raise


def add_navigation(results: list[JobResult], out: Path, units: list[Unit]) -> None:
    """Every built report gets its navigation header (index, the unit's other reports, city overview)."""
    from analysis import nav

    built = [nav.Built(r.slug, Path(r.notebook).stem, Path(r.html), r.title or "") for r in results if r.ok and r.html]
    nav.add_headers(built, out / "index.html", {u.slug: u.display for u in units})


def write_manifest(
    out: Path,
    period: Period,
    result: BatchResult,
    ingest_manifest: dict,
    jobs: int,
    seconds: dict,
    *,
    scheduler: str | None = None,
    previous: Path | None = None,
) -> None:
    """The run's record: code and reference versions, parameters, input hashes and durations. Written last:
    a run folder with a manifest is complete (``analysis.runs``)."""
    versions = {
        name: _version(name)
        for name in (
            "chiso-analysis",
            "pandas",
            "pyarrow",
            "python-calamine",
            "papermill",
            "nbclient",
            "nbconvert",
            "matplotlib",
            "seaborn",
        )
    }
    previous_run = None
    if previous is not None and previous.is_file():
        try:
            previous_run = json.loads(previous.read_text(encoding="utf-8")).get("run")
        except ValueError:
            previous_run = None
    manifest = {
        "period": period.label,
        "run": out.name,
        "previous_run": previous_run,
        "commit": git_commit(paths.ROOT),
        "package_version": versions["chiso-analysis"],
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": versions,
        "jobs": jobs,
        "scheduler": scheduler,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "inputs": [
            {k: f[k] for k in ("file", "source", "sha256", "rows_read", "demo")} for f in ingest_manifest["files"]
        ],
        "reference": reference_hashes(paths.REFERENCE),
        "reports": [
            {
                **asdict(r),
                "seconds": round(r.seconds, 3),
                "html": _relative(r.html, out),
                "executed": _relative(r.executed, out),
            }
            for r in result.results
        ],
    }
    temporary = out / f".{runs.MANIFEST}.new"
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, out / runs.MANIFEST)


def reference_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under data/reference/, by path relative to it: a changed target changes the record."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def git_commit(root: Path) -> str | None:
    """The checkout's commit (with "-dirty" when files differ from it); None outside a git checkout."""
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if dirty else head


def _relative(path: str | None, out: Path) -> str | None:
    return Path(path).relative_to(out).as_posix() if path else None


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
