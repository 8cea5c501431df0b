"""A warm kernel per worker: notebooks run through papermill in one kernel that stays up between them.

Starting a kernel and importing pandas, matplotlib and the report modules costs about a second per notebook;
a kernel kept warm pays it once per worker. Between notebooks the kernel's namespace is reset the way a fresh
kernel starts (``InteractiveShell.reset(new_session=True)``: empty namespace, execution count back to 1), so
the executed notebook and its HTML are the same bytes a fresh kernel gives (tests/batch/test_warm_kernel.py). The
kernel is restarted after a failed notebook, after ``max_runs`` notebooks, and when it died.

Papermill still does everything else (parameter injection, the executed notebook's metadata, error cells): it is
handed the running kernel's manager instead of starting its own (nbclient's ``km``), through a small engine that
also closes its kernel client afterwards.
"""

from __future__ import annotations

import ast
import contextvars
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jupyter_client.manager import KernelManager

KERNEL = "python3"
# nbclient starts its kernels with the IPython history in memory; the warm kernel does the same.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
RESET = "get_ipython().reset(new_session=True)"
ASYNC_CLIENT = "jupyter_client.asynchronous.AsyncKernelClient"
ENGINE = "chiso_warm"

_local = threading.local()
_all: set[WarmKernel] = set()  # every kernel of this process, for shutdown at exit or on SIGTERM
_all_lock = threading.Lock()


class WarmKernel:
    """One kernel, started lazily in ``cwd``; its stderr (the kernel's own chatter) goes to ``log``."""

    def __init__(self, cwd: str, log: str, max_runs: int) -> None:
        self.cwd, self.log, self.max_runs = cwd, log, max(1, max_runs)
        self.km: KernelManager | None = None
        self.runs = 0
        self.needs_restart = False

    def _start(self, start_timeout: float) -> None:
        from jupyter_client.manager import KernelManager

        self.shutdown()
        os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
        os.environ.setdefault("PYTHONUTF8", "1")
        Path(self.log).parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a", encoding="utf-8") as stderr:
            # nbclient is handed this manager: it must make asynchronous clients, as nbclient's own managers do.
            # With a blocking client nbclient waits for output in a call that blocks its event loop, so a kernel
            # that dies in a cell hung the worker for ever (no timeout, no dead-kernel check could run).
            km = KernelManager(kernel_name=KERNEL, client_class=ASYNC_CLIENT)
            km.start_kernel(cwd=self.cwd, extra_arguments=KERNEL_ARGUMENTS, stderr=stderr)
        self.km = km
        with _all_lock:
            _all.add(self)
        self._client(lambda kc: kc.wait_for_ready(timeout=start_timeout))
        self.runs = 0
        self.needs_restart = False

    def warm_up(self, source: str, start_timeout: float) -> None:
        """Start the kernel now and run ``source`` (the notebooks' imports) in it, then reset: the first notebook
        starts from the namespace a fresh kernel has, with the imports already paid. A warm-up that fails leaves
        the kernel to be restarted, so the notebook itself meets (and reports) the problem."""
        self._start(start_timeout)
        if not (self._run_silently(source, timeout=300) and self._run_silently(RESET, timeout=60)):
            self.needs_restart = True

    def ready(self, start_timeout: float) -> None:
        """A kernel with a clean namespace, as a fresh kernel starts."""
        if self.km is None or self.needs_restart or self.runs >= self.max_runs or not self.km.is_alive():
            self._start(start_timeout)
        elif self.runs and not self._run_silently(RESET, timeout=60):
            self._start(start_timeout)
        self.runs += 1

    def _run_silently(self, source: str, timeout: float) -> bool:
        """Run ``source`` in the kernel outside any notebook (no output, no history, no execution count);
        True when it succeeded."""
        reply = self._client(
            lambda kc: kc.execute_interactive(source, silent=True, store_history=False, timeout=timeout)
        )
        return reply["content"]["status"] == "ok"

    def _client(self, call):
        """A short-lived client: a client's sockets belong to the event loop it was used from, and nbclient
        runs its own loop for each notebook in between."""
        from jupyter_client.blocking import BlockingKernelClient

        assert self.km is not None
        kc = BlockingKernelClient(
            **self.km.get_connection_info(session=True), connection_file=self.km.connection_file, parent=self.km
        )
        kc.start_channels(hb=False)
        try:
            return call(kc)
        finally:
            kc.stop_channels()

    def shutdown(self) -> None:
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # already gone
                pass
            self.km = None
        with _all_lock:
            _all.discard(self)

    def kill(self) -> None:
        """From a signal handler: kill the kernel's process group at once, nothing more."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL) if hasattr(os, "killpg") else process.kill()
            except OSError:
                pass


def for_this_thread(cwd: str, log: str, max_runs: int) -> WarmKernel:
    """The calling thread's warm kernel (a pool worker process has one thread; a dask worker may have several)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None or kernel.cwd != cwd:
        if kernel is not None:
            kernel.shutdown()
        kernel = _local.kernel = WarmKernel(cwd, log, max_runs)
    kernel.max_runs = max(1, max_runs)
    return kernel


def imports_of(notebooks: list[Path]) -> str:
    """The top-level import statements of these notebooks' code cells (parameters cells aside), deduplicated."""
    import nbformat

    found: dict[str, None] = {}
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:  # IPython magics: not ours to run early
                continue
            for node in tree.body:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found[ast.unparse(node)] = None
    return "\n".join(found)


def shutdown_all() -> int:
    """Shut down every kernel of this process (end of a batch, worker exit); returns how many there were."""
    with _all_lock:
        kernels = list(_all)
    for kernel in kernels:
        kernel.shutdown()
    return len(kernels)


def kill_all() -> None:
    for kernel in list(_all):
        kernel.kill()


def execute(
    kernel: WarmKernel, source: str, output: str, parameters: dict, *, start_timeout: float, execution_timeout: float
) -> None:
    """papermill.execute_notebook in the warm kernel; raises PapermillExecutionError when a cell fails.

    Runs in this thread's own context: jupyter_core keeps its event loop in a context variable, and a dask
    worker copies its event-loop thread's context (holding that running loop) into every task it runs."""
    context = getattr(_local, "context", None)
    if context is None:
        context = _local.context = contextvars.Context()
    context.run(_execute, kernel, source, output, parameters, start_timeout, execution_timeout)


def _execute(
    kernel: WarmKernel, source: str, output: str, parameters: dict, start_timeout: float, execution_timeout: float
) -> None:
    import papermill

    _register_engine()
    kernel.ready(start_timeout)
    try:
        papermill.execute_notebook(
            source,
            output,
            parameters=parameters,
            kernel_name=KERNEL,
            engine_name=ENGINE,
            progress_bar=False,
            start_timeout=start_timeout,
            execution_timeout=execution_timeout,
            km=kernel.km,
            # Written once at the end (or as far as it got, see WarmEngine) instead of twice per cell: nbformat
            # validates the whole notebook, charts included, at every write.
            request_save_on_cell_execute=False,
            partial_output=output,
        )
    except BaseException:
        kernel.needs_restart = True  # a failed notebook never leaves its state to the next one
        raise


_registered = False


def _register_engine() -> None:
    global _registered
    if _registered:
        return
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger, papermill_engines
    from papermill.iorw import write_ipynb

    class WarmClient(PapermillNotebookClient):
        def execute(self, **kwargs):
            try:
                return super().execute(**kwargs)
            finally:  # the kernel is not ours to stop (we passed km), but this client's channels are
                kc = getattr(self, "kc", None)
                if kc is not None:
                    kc.stop_channels()
                    self.kc = None

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            kwargs.pop("input_path", None)
            partial_output = kwargs.pop("partial_output", None)
            try:
                return WarmClient(
                    nb_man,
                    kernel_name=kernel_name,
                    timeout=execution_timeout,
                    startup_timeout=start_timeout,
                    log=logger,
                    log_output=log_output,
                    stdout_file=stdout_file,
                    stderr_file=stderr_file,
                    **kwargs,
                ).execute()
            except BaseException:  # a timeout or a dead kernel: keep what ran, as papermill's per-cell saves did
                if partial_output:
                    write_ipynb(nb_man.nb, partial_output)
                raise

    papermill_engines.register(ENGINE, WarmEngine)
    _registered = True
