"""User errors end with one clear message and exit status 2 — never a traceback."""

import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def test_bad_period_is_named():
    done = _run("indicators", "--period", "2024Q5", "--out", os.devnull)
    assert done.returncode == 2
    assert "2024Q5" in done.stderr and "Traceback" not in done.stderr


def test_unknown_unit_is_named(tmp_path):
    done = _run(
        "batch",
        "--period",
        "2024Q1",
        "--units",
        "Phường Không Có",
        "--raw",
        str(tmp_path / "raw"),
        "--processed",
        str(tmp_path / "p"),
        "--reports",
        str(tmp_path / "r"),
    )
    assert done.returncode == 2
    assert "Phường Không Có" in done.stderr and "Traceback" not in done.stderr


def test_corrupt_export_stops_ingest_naming_the_file(tmp_path):
    folder = tmp_path / "raw" / "one_stop"
    folder.mkdir(parents=True)
    (folder / "ho_so_quy1.xlsx").write_bytes(b"this is not a workbook")
    done = _run("ingest", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "processed"))
    assert done.returncode == 2
    assert "ho_so_quy1.xlsx" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "processed" / "one_stop.parquet").exists()


def test_empty_raw_folder_ingests_nothing_without_error(tmp_path):
    done = _run("ingest", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "processed"))
    assert done.returncode == 0, done.stderr
    assert "nothing ingested" in done.stdout
