"""Results kept per file version: reused while the files are unchanged, recomputed when one changes, never
shared in a way a caller can spoil."""

from __future__ import annotations

import os

import pandas as pd

from analysis import store
from analysis.store import cache as file_cache
from analysis.store import schemas


def test_a_result_is_reused_until_a_file_it_was_computed_from_changes(tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("1\n", encoding="utf-8")
    calls = []

    def compute():
        calls.append(1)
        return source.read_text(encoding="utf-8")

    assert file_cache.memo("test", (1,), [source], compute) == "1\n"
    assert file_cache.memo("test", (1,), [source], compute) == "1\n"
    assert len(calls) == 1
    assert file_cache.memo("test", (2,), [source], compute) == "1\n"  # another key: computed for itself
    assert len(calls) == 2
    source.write_text("22\n", encoding="utf-8")  # another size
    assert file_cache.memo("test", (1,), [source], compute) == "22\n"
    stat = source.stat()
    source.write_text("33\n", encoding="utf-8")  # same size: the modification time tells
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert file_cache.memo("test", (1,), [source], compute) == "33\n"
    assert len(calls) == 4


def test_a_missing_file_is_a_version_too(tmp_path):
    absent = tmp_path / "later.csv"
    assert file_cache.memo("test-absent", (), [absent], lambda: "none") == "none"
    absent.write_text("x", encoding="utf-8")
    assert file_cache.memo("test-absent", (), [absent], lambda: "now") == "now"


def test_forget_drops_what_was_computed_from_a_file(tmp_path):
    source = tmp_path / "b.csv"
    source.write_text("1", encoding="utf-8")
    file_cache.memo("test-forget", (), [source], lambda: "old")
    file_cache.forget(source)
    assert file_cache.memo("test-forget", (), [source], lambda: "new") == "new"


def _progress(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """A valid plan_progress table: one row per (unit, task)."""
    frame = pd.DataFrame(
        {
            "unit": [u for u, _ in rows],
            "task": [t for _, t in rows],
            "period": "2024Q1",
            "status": "done",
            "evidence": None,
            "note": None,
            "source_file": "tiến độ.xlsx",
            "source_row": range(2, 2 + len(rows)),
        }
    )
    return frame.astype(schemas.table("plan_progress").columns)


def test_a_table_read_twice_is_read_once_and_a_change_by_one_caller_does_not_reach_the_next(tmp_path):
    store.write_table("plan_progress", _progress([("Ninh Thạnh", "II.1.1")]), schemas.QUARANTINE.empty(), tmp_path)
    first = store.read_table("plan_progress", tmp_path)
    first.loc[0, "unit"] = "sửa"
    first["added"] = 1
    again = store.read_table("plan_progress", tmp_path)
    assert again is not first
    assert again["unit"].tolist() == ["Ninh Thạnh"] and "added" not in again


def test_a_table_rewritten_by_this_process_is_read_again_even_within_one_clock_tick(tmp_path):
    path = store.table_files("plan_progress", tmp_path)[0]
    store.write_table("plan_progress", _progress([("Ninh Thạnh", "II.1.1")]), schemas.QUARANTINE.empty(), tmp_path)
    assert store.read_table("plan_progress", tmp_path)["task"].tolist() == ["II.1.1"]
    before = path.stat()
    store.write_table("plan_progress", _progress([("Ninh Thạnh", "II.1.2")]), schemas.QUARANTINE.empty(), tmp_path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as if written within the same tick
    assert file_cache.version(path)[1:3] == (before.st_size, before.st_mtime_ns)
    assert store.read_table("plan_progress", tmp_path)["task"].tolist() == ["II.1.2"]
