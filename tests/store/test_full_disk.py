"""A full disk while ingest writes the processed layer: one line (exit 2), the previous tables untouched.

The fault is real: a subprocess runs the ingest CLI under a file-size limit (RLIMIT_FSIZE) smaller than the
one-stop table, so the kernel refuses the write part-way, as a full disk does."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis.__main__ import main

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")]


def test_full_disk_during_ingest_keeps_the_old_tables_and_says_one_line(tmp_path: Path) -> None:
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    assert main(["demo", "--out", str(raw)]) == 0
    assert main(["ingest", "--raw", str(raw), "--out", str(processed), "--jobs", "1"]) == 0
    before = _files(processed)
    limit = len(before["one_stop.parquet"]) // 2
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG, as ENOSPC on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from analysis.__main__ import main
        sys.exit(main(["ingest", "--raw", {str(raw)!r}, "--out", {str(processed)!r}, "--jobs", "1"]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "disk is full" in errors[0] and "one_stop.parquet" in errors[0], done.stderr
    assert _files(processed) == before  # no truncated table, no stray temporary file, the old manifest


def _files(folder: Path) -> dict[str, bytes]:
    """Every file's bytes but the lock's (it names the last process that held it)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != ".chiso.lock"}
