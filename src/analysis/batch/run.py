"""The quarterly batch: ingest, indicators, every notebook for every unit through papermill, HTML reports.

The only module that knows papermill (with ``kernel``). Jobs, one per unit and notebook, go to a standard
``concurrent.futures`` executor: a local process pool by default, a dask.distributed cluster with ``--scheduler``.
Each worker runs its notebooks in one warm kernel (``analysis.kernel``); a failed notebook is kept for
debugging, gets no HTML, and the batch goes on. Everything is written into a run folder first and published
when complete (``analysis.runs``), under a lock on the processed and reports folders.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from analysis import collect, paths
from analysis.batch import kernel, runs
from analysis.batch.jobs import (
    NOTEBOOKS_PER_KERNEL,
    BatchError,
    BatchResult,
    Job,
    JobResult,
    longest_first,
    plan_jobs,
    run_job,
    select_notebooks,
    select_units,
)
from analysis.batch.manifest import write_manifest
from analysis.batch.workers import WarmUp, local_pool
from analysis.collect import plan
from analysis.indicators.verdicts import verdicts
from analysis.ingest import runner
from analysis.periods import Period
from analysis.publish import workbook
from analysis.reference import plan as reference_plan
from analysis.reference.units import Unit


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
                    workbook.write(indicators, stage, actions, verdicts(indicators, reference_plan.comparisons()))
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
    from analysis.publish import index_page

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
    from analysis.publish import nav

    built = [nav.Built(r.slug, Path(r.notebook).stem, Path(r.html), r.title or "") for r in results if r.ok and r.html]
    nav.add_headers(built, out / "index.html", {u.slug: u.display for u in units})
