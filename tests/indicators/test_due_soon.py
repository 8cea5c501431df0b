"""The action list on a hand-made export around the 29/04–01/05/2024 holidays (snapshot Friday 26/04/2024).

Working days after Fri 26/04: Sat 27, Sun 28 off; Mon 29, Tue 30, Wed 01/05 public holidays; Thu 02/05 = 1,
Fri 03/05 = 2, Mon 06/05 = 3, Tue 07/05 = 4. With N = 3: due 26/04 (0 left), 29/04 (0), 02/05 (1), 06/05 (3)
are listed, 07/05 (4) is not.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.indicators import due_soon
from analysis.reference import plan

T = pd.Timestamp


def export() -> pd.DataFrame:
    rows = [  # id, status, received, due, returned, apology
        ("D1", 4, "2024-04-20", "2024-05-02", None, None),
        ("D2", 4, "2024-04-22", "2024-05-06", None, None),
        ("D3", 4, "2024-04-22", "2024-05-07", None, None),
        ("D4", 4, "2024-04-19", "2024-04-26", None, None),
        ("D5", 4, "2024-04-15", "2024-04-24", None, False),
        ("D6", 4, "2024-04-15", "2024-04-23", None, True),
        ("D7", 4, "2024-04-19", "2024-04-29", None, None),
        ("D8", 10, "2024-04-10", "2024-04-20", "2024-04-25", False),
        ("D9", 10, "2024-04-12", "2024-04-25", "2024-04-26", False),
        ("D10", 3, "2024-04-19", "2024-04-29", None, None),
    ]
    frame = pd.DataFrame(
        rows, columns=["dossier_id", "status_code", "received_at", "due_at", "returned_at", "apology_issued"]
    )
    for column in ("received_at", "due_at", "returned_at"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    frame["finished_at"] = frame["returned_at"]
    frame["status_code"] = frame["status_code"].astype("Int8")
    frame["apology_issued"] = frame["apology_issued"].astype("boolean")
    frame["unit"] = "Ninh Thạnh"
    frame["procedure_name"] = "Đăng ký khai sinh"
    frame["dossier_id"] = frame["dossier_id"].astype("string")
    return frame


def test_snapshot_is_the_latest_day_something_happened():
    assert due_soon.snapshot_date(export()) == date(2024, 4, 26)


def test_snapshot_leaves_out_doubtful_and_not_accepted_rows_and_is_never_after_ingest():
    """A typo 03/12/2025 in a 2024 export (ingest flags it doubtful) and a refused dossier received later than
    anything else do not move the snapshot: it stays Friday 26/04/2024, the latest day of the other rows."""
    frame = export()
    typo = frame.iloc[[0]].assign(dossier_id="TYPO", received_at=T("2025-12-03"), due_at=T("2025-12-10"))
    refused = frame.iloc[[0]].assign(dossier_id="REFUSED", status_code=3, received_at=T("2024-04-29"))
    frame = pd.concat([frame.assign(date_doubtful=False), typo.assign(date_doubtful=True), refused], ignore_index=True)
    frame["date_doubtful"] = frame["date_doubtful"].astype("boolean")
    frame["status_code"] = frame["status_code"].astype("Int8")
    assert due_soon.snapshot_date(frame) == date(2024, 4, 26)
    assert due_soon.snapshot_date(frame, today=date(2024, 4, 25)) == date(2024, 4, 25)  # never after ingest


def test_due_within_three_working_days_across_a_weekend_and_holidays_and_late_without_apology():
    holidays = plan.public_holidays()["date"]
    out = due_soon.action_list(export(), date(2024, 4, 26), 3, holidays)
    assert out["dossier_id"].tolist() == ["D5", "D9", "D4", "D7", "D1", "D2"]
    assert out["situation"].tolist() == ["late_no_apology"] * 2 + ["due_soon"] * 4
    assert out["working_days_left"].tolist()[2:] == [0, 0, 1, 3]
    assert out["days_overdue"].tolist()[:2] == [2, 1]
    assert set(out.columns) == set(due_soon.COLUMNS)  # id, procedure, dates: nothing personal


def test_without_the_holidays_the_same_export_lists_less():
    out = due_soon.action_list(export(), date(2024, 4, 26), 3, [])
    # Mon 29 = 1, Tue 30 = 2, Wed 01/05 = 3: D1 (02/05) and D2 (06/05) are no longer within three days
    assert out["dossier_id"].tolist() == ["D5", "D9", "D4", "D7"]
