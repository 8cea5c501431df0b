"""Task status from a hand-made progress log (period 2024Q2: 01/04–30/06/2024)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.indicators.plan_tasks import task_status, task_statuses


def tasks() -> pd.DataFrame:
    rows = [
        ("A", "Quý I/2024", "2024-03-31"),
        ("B", "Trong năm 2024", "2024-12-31"),
        ("C", "Quý I/2024", "2024-03-31"),
        ("D", "Thường xuyên", None),
        ("E", "Quý II/2024", "2024-06-30"),
        ("F", "Thường xuyên", None),
    ]
    frame = pd.DataFrame(rows, columns=["id", "deadline", "due"])
    frame["due"] = pd.to_datetime(frame["due"]).astype("datetime64[us]")
    return frame.assign(section="II.1.1", text="t", owner="VP", codes="")


def progress() -> pd.DataFrame:
    rows = [
        ("Ninh Thạnh", "A", "2024Q1", "in_progress", None),
        ("Ninh Thạnh", "A", "2024Q2", "done", "Số 1/BC"),
        ("Ninh Thạnh", "B", "2024Q1", "not_started", None),
        ("Ninh Thạnh", "C", "2024Q2", "in_progress", None),
        ("Ninh Thạnh", "D", "2024Q1", "done", "Số 2/BC"),
        ("Ninh Thạnh", "E", "2024Q2", "done", None),
        ("Ninh Thạnh", "F", "2024Q2", "done", "Số 3/BC"),
        ("Ninh Thạnh", "A", "2024Q3", "not_started", None),
        ("Phường 1", "B", "2024Q2", "done", "Số 4/BC"),
    ]
    return pd.DataFrame(rows, columns=["unit", "task", "period", "status", "evidence"]).assign(note=None)


def test_status_of_each_task_at_the_end_of_2024q2():
    out = task_status(tasks(), progress(), "Ninh Thạnh", date(2024, 4, 1), date(2024, 6, 30)).set_index("task")
    # A: done in Q2 (the Q3 entry lies after the period); B: not started, deadline at year end; C: in progress
    # past its Q1 deadline; D: recurring, done in Q1 but not reported for Q2; E: done by its deadline but
    # without a document; F: recurring, done this quarter.
    assert out["status"].to_dict() == {
        "A": "done",
        "B": "not_started",
        "C": "overdue",
        "D": "no_data",
        "E": "done",
        "F": "done",
    }
    assert out["past_due_without_evidence"].to_dict() == {
        "A": False,
        "B": False,
        "C": True,
        "D": False,
        "E": True,
        "F": False,
    }
    assert out.loc["A", "reported"] == "2024Q2" and out.loc["A", "evidence"] == "Số 1/BC"


def test_no_log_at_all_is_no_data_never_not_done():
    out = task_status(tasks(), None, "Ninh Thạnh", date(2024, 1, 1), date(2024, 3, 31))
    assert set(out["status"]) == {"no_data"}
    assert out["past_due_without_evidence"].tolist() == [True, False, True, False, False, False]


def test_every_unit_at_once_equals_each_unit_alone():
    # Phường 1 reported B only; Phường 2 reported nothing (every task no_data, never "not done")
    names = ["Ninh Thạnh", "Phường 1", "Phường 2"]
    together = task_statuses(tasks(), progress(), names, date(2024, 4, 1), date(2024, 6, 30))
    for unit in names:
        alone = task_status(tasks(), progress(), unit, date(2024, 4, 1), date(2024, 6, 30))
        mine = together[together["unit"] == unit].drop(columns="unit").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False, check_exact=True)
    statuses = together.groupby("unit")["status"].apply(list).to_dict()
    assert statuses["Phường 1"] == ["no_data", "done", "no_data", "no_data", "no_data", "no_data"]
    assert statuses["Phường 2"] == ["no_data"] * 6
