"""What a batch runs: one job per (notebook, unit), its parameters checked against the notebook's own,
ordered longest first from the last run's timings, and one job run in a worker (papermill, then HTML).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from analysis import paths, store
from analysis.batch import kernel
from analysis.errors import UserError
from analysis.periods import Period
from analysis.reference.units import CITY_SLUG, Unit, all_units

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

    from analysis.publish.render import render_file

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
    from analysis.reference.units import find

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
