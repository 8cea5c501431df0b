"""Results kept, for the life of the process, per version of the files they were computed from.

A batch worker's warm kernel runs one report after another on the same processed tables and reference files;
an analyst's JupyterLab kernel re-runs a notebook. Both would read and compute the same things again. A file's
version is its path, size, modification time and inode: a rewritten file is a new version, so nothing stale is
ever returned (``forget`` covers a rewrite within one tick of the file system's clock, from this process).
Cached frames are shared: callers must not modify them in place (pandas' copy-on-write protects everything
derived from them, and ``store`` hands out shallow copies).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from analysis import paths

T = TypeVar("T")
SIZE = 32  # entries kept, least recently used dropped first

_entries: OrderedDict[tuple, tuple[frozenset[str], object]] = OrderedDict()
_lock = threading.Lock()


def version(path: Path) -> tuple:
    """What identifies a file's bytes without reading them; ``(path,)`` for a file that does not exist."""
    name = str(Path(path).resolve())
    try:
        stat = Path(name).stat()
    except FileNotFoundError:
        return (name,)
    return (name, stat.st_size, stat.st_mtime_ns, stat.st_ino)


def reference_files(folder: Path | None = None) -> list[Path]:
    """Every reference file (under ``folder``, default data/reference): a result that reads any of them is
    recomputed when one changes."""
    return sorted(p for p in (folder or paths.REFERENCE).rglob("*") if p.is_file())


def memo(name: str, key: tuple, files: Iterable[Path], compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned before for the same name, key and versions of ``files``."""
    versions = tuple(version(f) for f in files)
    full = (name, key, versions)
    with _lock:
        found = _entries.get(full)
        if found is not None:
            _entries.move_to_end(full)
            return found[1]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _entries[full] = (frozenset(v[0] for v in versions), value)
        while len(_entries) > SIZE:
            _entries.popitem(last=False)
    return value


def forget(*files: Path) -> None:
    """Drop every result computed from these files (called before this process rewrites them)."""
    names = {str(Path(f).resolve()) for f in files}
    with _lock:
        for key in [k for k, (used, _) in _entries.items() if used & names]:
            del _entries[key]
