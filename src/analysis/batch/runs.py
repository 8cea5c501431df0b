"""Run folders and folder locks: how a batch writes a period's reports without ever leaving a half-written set.

Each batch writes into ``reports/<P>/runs/<stamp>/`` (the staging folder, which becomes the kept record of the
run); the run is complete when its ``manifest.json`` exists, written last. Only then is it published: its files
replace those at ``reports/<P>/`` (the latest run, what analysts open), ``index.html`` last, and files the new
run does not have are removed. An interrupted batch leaves an incomplete run folder that the next batch deletes;
the top level keeps the previous complete run. The last ``KEEP_RUNS`` complete runs stay under ``runs/`` so an
analyst can say what was sent last time.

A batch holds a lock on the processed and reports folders for its whole length: a second batch on the same
folders stops with one message (or waits, when asked to).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from analysis.errors import UserError

RUNS = "runs"
MANIFEST = "manifest.json"
INDEX = "index.html"
PUBLISHING = ".publishing"  # names the run being published; a publish cut short is finished by the next batch
LOCK = ".chiso.lock"
KEEP_RUNS = 3


class FolderBusy(UserError):
    """Another batch holds the processed or reports folder."""


def new_run(period_dir: Path) -> Path:
    """A fresh, empty staging folder ``runs/<UTC stamp>`` (stamps sort in time order)."""
    runs = period_dir / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stage, n = runs / stamp, 1
    while stage.exists():
        n += 1
        stage = runs / f"{stamp}-{n}"
    stage.mkdir()
    return stage


def is_complete(run: Path) -> bool:
    return (run / MANIFEST).is_file()


def complete_runs(period_dir: Path) -> list[Path]:
    """Complete runs, oldest first."""
    runs = period_dir / RUNS
    return (
        sorted((p for p in runs.iterdir() if p.is_dir() and is_complete(p)), key=lambda p: p.name)
        if runs.is_dir()
        else []
    )


def recover(period_dir: Path) -> None:
    """Finish a publish that was cut short, then drop runs that never completed (call under the lock)."""
    marker = period_dir / PUBLISHING
    if marker.is_file():
        run = period_dir / RUNS / marker.read_text(encoding="utf-8").strip()
        if is_complete(run):
            publish(run)
        else:
            marker.unlink()
    runs = period_dir / RUNS
    if runs.is_dir():
        for run in runs.iterdir():
            if run.is_dir() and not is_complete(run):
                shutil.rmtree(run, ignore_errors=True)


def discard(run: Path) -> None:
    """Remove an unfinished run (the batch was interrupted or failed before its manifest)."""
    if not is_complete(run):
        shutil.rmtree(run, ignore_errors=True)


def publish(run: Path) -> None:
    """Make the complete ``run`` the top level of its period folder; signals wait until it is done."""
    if not is_complete(run):
        raise ValueError(f"{run} is not a complete run")
    period_dir = run.parent.parent
    with _signals_deferred():
        (period_dir / PUBLISHING).write_text(run.name, encoding="utf-8")
        files = sorted(
            (p.relative_to(run) for p in run.rglob("*") if p.is_file()),
            key=lambda rel: (rel.as_posix() == INDEX, rel.as_posix()),
        )
        for rel in files:
            _replace(run / rel, period_dir / rel)
        keep = {rel.as_posix() for rel in files}
        for path in sorted(period_dir.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            rel = path.relative_to(period_dir)
            if rel.parts[0] in (RUNS, PUBLISHING, LOCK) or rel.as_posix() in keep:
                continue
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            else:
                path.unlink()
        (period_dir / PUBLISHING).unlink()
    prune(period_dir)


def prune(period_dir: Path, keep: int = KEEP_RUNS) -> None:
    for old in complete_runs(period_dir)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def _replace(source: Path, target: Path) -> None:
    """Atomic per file: a hard link (no second copy on disk) or a copy, renamed over the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.new")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copy2(source, temporary)
    os.replace(temporary, target)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Block SIGINT/SIGTERM (POSIX, main thread) so a publish is never cut in the middle by Ctrl-C."""
    import threading

    if sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def locked(folders: list[Path], *, wait: bool = False, log=print) -> Iterator[None]:
    """Hold an exclusive lock on each folder (a ``.chiso.lock`` file inside it) until the block ends.

    The operating system drops the lock when the process dies, so a killed batch never leaves a stale lock.
    """
    handles = []
    try:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOCK
            handle = open(path, "a+", encoding="utf-8")
            handles.append(handle)
            if not _try_lock(handle):
                holder = _holder(path)
                if not wait:
                    raise FolderBusy(
                        f"another batch is using {folder} ({holder}); wait for it to finish or "
                        f"use other --processed/--reports folders (--wait waits for it)"
                    )
                log(f"Waiting for the batch using {folder} ({holder}) to finish…")
                while not _try_lock(handle):
                    time.sleep(0.5)
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, started {datetime.now().astimezone():%Y-%m-%d %H:%M:%S}")
            handle.flush()
        yield
    finally:
        for handle in reversed(handles):
            _unlock(handle)
            handle.close()


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "pid unknown"
    except OSError:
        return "pid unknown"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(handle) -> None:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
