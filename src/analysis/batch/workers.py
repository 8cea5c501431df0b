"""The batch's worker processes: a local pool, spawned, whose workers leave Ctrl-C to the parent, kill their
kernel on SIGTERM, and can start their warm kernel (with the notebooks' imports) before their first job.

Kept apart from ``batch`` so that a worker, and ``python -m analysis ingest --jobs``, import only this and the
kernel module, not papermill and nbformat (about a second per process).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis.batch import kernel


@dataclass(frozen=True)
class WarmUp:
    """What a local pool worker prepares before its first job: its warm kernel, with the notebooks' imports."""

    notebooks_dir: str
    kernel_log: str
    notebooks_per_kernel: int
    imports: str

    @classmethod
    def of(cls, notebooks_dir: Path, notebooks: list[Path], out: Path, notebooks_per_kernel: int) -> WarmUp:
        return cls(
            str(notebooks_dir), str(out / "logs" / "kernel.log"), notebooks_per_kernel, kernel.imports_of(notebooks)
        )


def _worker_init(warm: WarmUp | None = None) -> None:
    """A pool worker: Ctrl-C is the batch's to handle; SIGTERM (sent by the batch) kills the kernel, then exits.
    With ``warm``, it also starts its kernel and imports what the notebooks and the renderer need, while the
    batch is still ingesting."""
    import multiprocessing.util

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def terminate(signum, frame):
        kernel.kill_all()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    # A worker ends through multiprocessing, which skips atexit: its own finaliser shuts the kernel down.
    multiprocessing.util.Finalize(None, kernel.shutdown_all, exitpriority=10)
    # One BLAS thread per kernel: the workers already keep every core busy, and two threads per small bootstrap
    # product on a 2-core machine doubled its CPU time (dask's nanny sets the same for its workers).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    if warm is not None:
        import papermill  # noqa: F401  (paid here, not in the first job)

        warm_kernel = kernel.for_this_thread(warm.notebooks_dir, warm.kernel_log, warm.notebooks_per_kernel)
        try:
            warm_kernel.warm_up(warm.imports, start_timeout=180)
        except Exception:  # a kernel that cannot start now gets its retries in the first job
            warm_kernel.needs_restart = True


@contextmanager
def local_pool(jobs: int, warm: WarmUp | None) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``jobs`` spawned worker processes, started at once so they warm up while the caller works.

    Spawned, not forked: the batch may run inside a process with threads (a dask client, a browser driver in
    the tests, a Jupyter front end), and a fork taken while another thread holds a lock hangs the worker."""
    pool = ProcessPoolExecutor(
        max_workers=max(1, jobs),
        initializer=_worker_init,
        initargs=(warm,),
        mp_context=multiprocessing.get_context("spawn"),
    )
    for _ in range(max(1, jobs)):  # a spawning pool starts a worker per submitted call while none is idle
        pool.submit(os.getpid)
    try:
        yield pool
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's worker processes now (each kills its kernel first) instead of waiting for them.

    Python 3.14 has ``terminate_workers``; before it, the pool's process table is the only handle."""
    if hasattr(pool, "terminate_workers"):
        pool.terminate_workers()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
