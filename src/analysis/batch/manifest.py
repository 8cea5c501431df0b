"""The run's manifest: what ran on which inputs (file hashes, reference hashes, code commit, library
versions), so a report can be traced to the exports and code that made it.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from analysis import paths
from analysis.batch import runs
from analysis.batch.jobs import BatchResult
from analysis.periods import Period


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
    versions = library_versions()
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


# Not declared by the package, yet they shape what a report shows: the notebook runner and the HTML exporter's
# parts, and the kernel that runs the notebooks.
_RUNTIME = ("nbclient", "ipykernel", "jupyter-client")


def library_versions() -> dict[str, str]:
    """The package and every library it declares (read from its own metadata, so a new dependency is recorded
    without a list to keep), plus the notebook runtime; the figures depend on all of them."""
    requires = metadata.requires("chiso-analysis") or []
    declared = [re.split(r"[\s;<>=!~\[(]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r]
    names = ["chiso-analysis", *sorted({n.lower() for n in declared} | set(_RUNTIME))]
    return {name: _version(name) for name in names}


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
