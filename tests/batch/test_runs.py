"""Run folders, publishing and folder locks: an interrupted or concurrent batch never leaves a mixed report set.

The file-level rules are checked on folders made here; the end-to-end tests run the real command line in a
subprocess on a tiny one-stop export and interrupt it with SIGTERM / SIGINT.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.batch import runs
from analysis.batch.runs import FolderBusy

SRC = Path(__file__).resolve().parents[2] / "src"


def _run_folder(period_dir: Path, name: str, files: dict[str, str], complete: bool = True) -> Path:
    run = period_dir / runs.RUNS / name
    for rel, text in files.items():
        (run / rel).parent.mkdir(parents=True, exist_ok=True)
        (run / rel).write_text(text, encoding="utf-8")
    if complete:
        (run / runs.MANIFEST).write_text(json.dumps({"run": name}), encoding="utf-8")
    return run


def _top_level(period_dir: Path) -> dict[str, str]:
    return {
        p.relative_to(period_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in period_dir.rglob("*")
        if p.is_file() and p.relative_to(period_dir).parts[0] != runs.RUNS
    }


def test_publish_replaces_the_top_level_with_exactly_the_new_run(tmp_path):
    first = _run_folder(
        tmp_path, "20240101T000000Z", {"index.html": "old index", "a/10.html": "old a", "b/10.html": "old b"}
    )
    runs.publish(first)
    assert _top_level(tmp_path) == {
        "index.html": "old index",
        "a/10.html": "old a",
        "b/10.html": "old b",
        "manifest.json": '{"run": "20240101T000000Z"}',
    }
    second = _run_folder(tmp_path, "20240102T000000Z", {"index.html": "new index", "a/10.html": "new a"})
    runs.publish(second)
    # b/ is gone (the new run has no b), nothing of the old run is left at the top, the old run is kept
    assert _top_level(tmp_path) == {
        "index.html": "new index",
        "a/10.html": "new a",
        "manifest.json": '{"run": "20240102T000000Z"}',
    }
    assert not (tmp_path / "b").exists()
    assert (first / "b" / "10.html").read_text(encoding="utf-8") == "old b"
    assert not (tmp_path / runs.PUBLISHING).exists()


def test_recover_finishes_a_cut_publish_and_drops_unfinished_runs(tmp_path):
    old = _run_folder(tmp_path, "20240101T000000Z", {"index.html": "old", "a/10.html": "old a"})
    runs.publish(old)
    new = _run_folder(tmp_path, "20240102T000000Z", {"index.html": "new", "a/10.html": "new a"})
    (tmp_path / "a" / "10.html").write_text("new a", encoding="utf-8")  # the publish stopped after one file
    (tmp_path / runs.PUBLISHING).write_text(new.name, encoding="utf-8")
    unfinished = _run_folder(tmp_path, "20240103T000000Z", {"a/10.html": "half"}, complete=False)
    runs.recover(tmp_path)
    assert _top_level(tmp_path) == {
        "index.html": "new",
        "a/10.html": "new a",
        "manifest.json": '{"run": "20240102T000000Z"}',
    }
    assert not unfinished.exists() and old.exists()


def test_only_the_last_complete_runs_are_kept(tmp_path):
    made = []
    for i in range(1, 6):
        made.append(_run_folder(tmp_path, f"2024010{i}T000000Z", {"index.html": str(i)}))
        runs.publish(made[-1])
    assert [p.name for p in runs.complete_runs(tmp_path)] == [p.name for p in made[-runs.KEEP_RUNS :]]


def test_a_second_lock_on_the_same_folder_is_refused_with_a_clear_message(tmp_path):
    with runs.locked([tmp_path / "processed", tmp_path / "reports"]):
        with pytest.raises(FolderBusy, match=rf"another batch is using .*processed \(pid {os.getpid()}, started"):
            with runs.locked([tmp_path / "processed"]):
                pass
    with runs.locked([tmp_path / "processed"]):  # released at the end of the block
        pass


def test_with_wait_the_second_lock_is_taken_when_the_first_is_released(tmp_path):
    import threading

    messages = []
    first = runs.locked([tmp_path])
    first.__enter__()
    threading.Timer(0.5, first.__exit__, (None, None, None)).start()
    started = time.perf_counter()
    with runs.locked([tmp_path], wait=True, log=messages.append):
        waited = time.perf_counter() - started
    assert waited >= 0.4 and messages and messages[0].startswith("Waiting for the batch using")


# ---- end to end: the command line on a tiny export, in a subprocess ---------------------------------------

UNITS = ["Ninh Thạnh", "Phường 1"]
HEADER = [
    "MaHoSo",
    "TenDonVi",
    "MaTTHC",
    "TenTTHC",
    "KenhThucHien",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayTra",
    "TrangThaiHoSo",
]


def _tiny_raw(folder: Path) -> Path:
    """Forty dossiers of two units in 2024Q2 as a one-stop system CSV."""
    rows = [HEADER]
    for i in range(40):
        day = 1 + i % 28
        returned = f"202405{day:02d}150000" if i % 4 else ""
        rows.append(
            [
                f"T{i:03d}",
                UNITS[i % 2],
                "1.001234",
                "Chứng thực chữ ký",
                "1 2"[i % 3 == 0],
                f"202405{day:02d}080000",
                f"202405{day:02d}170000",
                returned,
                "10" if returned else "4",
            ]
        )
    path = folder / "one_stop" / "tiny.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    return folder


def _batch(tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "analysis",
        "batch",
        "--period",
        "2024Q2",
        "--units",
        *UNITS,
        "--notebooks",
        "10",
        "00",
        "--jobs",
        "2",
        "--raw",
        str(tmp_path / "raw"),
        "--processed",
        str(tmp_path / "processed"),
        "--reports",
        str(tmp_path / "reports"),
        *extra,
    ]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(SRC), "PYTHONUNBUFFERED": "1"}


def _consistent(period_dir: Path) -> str:
    """The top level is one complete run, byte for byte, every link of its index resolves; returns the run."""
    manifest = json.loads((period_dir / runs.MANIFEST).read_text(encoding="utf-8"))
    run = period_dir / runs.RUNS / manifest["run"]
    in_run = {p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file()}
    top = {
        p.relative_to(period_dir).as_posix()
        for p in period_dir.rglob("*")
        if p.is_file() and p.relative_to(period_dir).parts[0] != runs.RUNS and p.name != runs.LOCK
    }
    assert top == in_run
    for rel in in_run:
        assert (period_dir / rel).read_bytes() == (run / rel).read_bytes(), rel
    index = (period_dir / runs.INDEX).read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert any(link.endswith(".html") for link in links)
    for link in links:
        assert (period_dir / link).is_file(), link
    return manifest["run"]


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A tiny raw folder with one complete batch published."""
    root = tmp_path_factory.mktemp("runs")
    _tiny_raw(root / "raw")
    done = subprocess.run(_batch(root), env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _interrupted_batch(published: Path, sig: int) -> tuple[subprocess.Popen, list[int], str, list[str]]:
    """A batch sent ``sig`` once its notebooks are submitted: (process, its descendants then, its output, its
    signal masks as /proc shows them, for the failure message)."""
    process = subprocess.Popen(
        _batch(published), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    seen = []
    for line in process.stdout:  # wait until the notebooks are submitted to the workers' warm kernels
        seen.append(line)
        if line.startswith("Notebooks:"):
            break
    deadline = time.time() + 60
    while len(children := _descendants(process.pid)) < 3 and time.time() < deadline:
        time.sleep(0.1)
    assert len(children) >= 3, seen  # two workers and at least one kernel
    status = Path(f"/proc/{process.pid}/status")
    masks = [m for m in status.read_text().splitlines() if m.startswith("Sig")] if status.exists() else []
    process.send_signal(sig)
    output = "".join(seen) + process.stdout.read()
    process.wait(timeout=60)
    return process, children, output, masks


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_batch_leaves_the_previous_complete_run_and_no_process(published, sig):
    import psutil

    period_dir = published / "reports" / "2024Q2"
    before = _consistent(period_dir)
    for _ in range(3):  # a run that finished before the signal arrived (a loaded machine) says nothing: again
        process, children, output, masks = _interrupted_batch(published, sig)
        if not (process.returncode == 0 and "Done in" in output):
            break
        before = _consistent(period_dir)  # that run published itself: it is now the one to keep
    assert process.returncode == 130, output + "\n".join(masks)
    assert "interrupted" in output and "Traceback" not in output
    deadline = time.time() + 10
    while time.time() < deadline and any(
        psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in children
    ):
        time.sleep(0.2)
    alive = [p for p in children if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
    assert not alive, f"left running: {alive}"
    assert _consistent(period_dir) == before  # the old complete output, unchanged
    kept = sorted(p.name for p in (period_dir / runs.RUNS).iterdir() if p.is_dir())
    assert kept == [p.name for p in runs.complete_runs(period_dir)] and before in kept  # the cut run was removed


@pytest.mark.e2e
def test_a_second_concurrent_batch_stops_with_one_line_and_exit_2(published):
    with runs.locked([published / "processed"]):
        done = subprocess.run(_batch(published), env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: another batch is using")


@pytest.mark.e2e
def test_a_rerun_publishes_the_new_run_and_keeps_the_previous_one(published):
    period_dir = published / "reports" / "2024Q2"
    before = _consistent(period_dir)
    done = subprocess.run(_batch(published), env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    after = _consistent(period_dir)
    assert after != before and (period_dir / runs.RUNS / before / runs.INDEX).is_file()
    manifest = json.loads((period_dir / runs.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["previous_run"] == before


@pytest.mark.e2e
def test_the_manifest_records_reference_files_package_version_and_commit(published):
    import hashlib
    from importlib import metadata

    from analysis import paths

    manifest = json.loads((published / "reports" / "2024Q2" / runs.MANIFEST).read_text(encoding="utf-8"))
    reference = {
        p.relative_to(paths.REFERENCE).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in paths.REFERENCE.rglob("*")
        if p.is_file()
    }
    assert manifest["reference"] == reference and "units.csv" in reference
    assert manifest["package_version"] == metadata.version("chiso-analysis")
    head = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert head.returncode == 0 and manifest["commit"].startswith(head.stdout.strip())
