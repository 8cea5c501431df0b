"""service_rows against an independent, dossier-by-dossier reading of the rules (issue §4) in plain Python,
on random messy dossiers: blank dates, times of day, every status, dates out of order, several periods."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analysis.indicators.service import service_rows
from analysis.periods import Period
from analysis.reference.service import ServiceSettings

SETTINGS = ServiceSettings(
    targets=pd.DataFrame({"code": ["2.1"], "target": [100.0], "comparison": [">="]}),
    owners={},
    scoring=pd.DataFrame({"code": ["2.1"], "max_points": [20.0], "full_at_pct": [100.0]}),
    certification=pd.DataFrame({"column": ["field"], "contains": ["chứng thực"]}),
)


def random_dossiers(count: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = datetime(2022, 12, 1)

    def moment(days_from: np.ndarray, spread: int, blank: float) -> list[datetime | None]:
        offsets = days_from + rng.integers(-3, spread, count)  # -3: some dates before receipt (data errors)
        minutes = rng.integers(0, 24 * 60, count)
        return [
            None if rng.random() < blank else start + timedelta(days=int(d), minutes=int(m))
            for d, m in zip(offsets, minutes)
        ]

    received_day = rng.integers(0, 560, count)  # to mid-June 2024
    return pd.DataFrame(
        {
            "dossier_id": [f"R{i}" for i in range(count)],
            "unit": rng.choice(["Ninh Thạnh", "Ninh Sơn"], count),
            "field": rng.choice(["Hộ tịch", "Chứng thực"], count),
            "channel": rng.choice(["online", "direct", "post"], count),
            "received_at": [
                start + timedelta(days=int(d), minutes=int(m))
                for d, m in zip(received_day, rng.integers(0, 24 * 60, count))
            ],
            "due_at": moment(received_day + 3, 15, 0.05),
            "finished_at": moment(received_day, 40, 0.3),
            "returned_at": moment(received_day + 1, 40, 0.4),
            "status_code": rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], count),
            "apology_issued": rng.random(count) < 0.5,
            "supplement_requests": pd.array([None if k < 0 else k for k in rng.integers(-1, 4, count)], dtype="Int8"),
        }
    ).astype(
        {
            "received_at": "datetime64[us]",
            "due_at": "datetime64[us]",
            "finished_at": "datetime64[us]",
            "returned_at": "datetime64[us]",
            "status_code": "Int8",
            "apology_issued": "boolean",
            "unit": "string",
            "channel": "string",
            "field": "string",
            "dossier_id": "string",
        }
    )


def day(value: object) -> date | None:
    return None if pd.isna(value) else value.date()


def reference(dossiers: pd.DataFrame, period: Period) -> dict[str, Counter]:
    """The rules read literally, one dossier at a time."""
    first, last = period.first, period.last
    found: dict[str, Counter] = {}
    for d in dossiers.to_dict("records"):
        c = found.setdefault(d["unit"], Counter())
        if d["status_code"] in (1, 3):  # Mới đăng ký, Không được tiếp nhận: not accepted
            continue
        received, due = day(d["received_at"]), day(d["due_at"])
        finished, returned = day(d["finished_at"]), day(d["returned_at"])
        withdrawn = d["status_code"] in (7, 8)
        end = finished or returned or (received if withdrawn else None)
        if received > last:
            continue
        in_p = received >= first
        # QĐ 766
        if in_p or end is None or end >= first:
            if due is None:
                c["no_due_766"] += 1
            else:
                judged_on = end if end is not None and end <= last else last
                resupplied = not pd.isna(d["supplement_requests"]) and d["supplement_requests"] > 1
                c["on_time" if judged_on <= due and not resupplied else "late"] += 1
        # form II.06a
        if in_p:
            c["06a.4" if d["channel"] == "online" else "06a.5"] += 1
        elif (returned is None or returned >= first) and not (withdrawn and end < first):
            c["06a.6"] += 1
        else:
            continue
        if returned is not None and first <= returned <= last and d["status_code"] in (9, 10):
            kind = (
                "06a.no_due" if due is None else "06a.8" if returned < due else "06a.9" if returned == due else "06a.10"
            )
        elif withdrawn and end <= last:
            kind = "06a.closed"
        elif d["status_code"] == 9 and due is not None and end is not None and end <= last and end <= due:
            kind = "06a.ready"  # result ready by the due date, waiting for the citizen
        else:
            kind = "06a.no_due" if due is None else "06a.12" if due >= last else "06a.13"
        c[kind] += 1
        if kind in ("06a.10", "06a.13") and not d["apology_issued"]:
            c["apology.missing"] += 1
    return found


COUNTS = (
    "06a.4",
    "06a.5",
    "06a.6",
    "06a.8",
    "06a.9",
    "06a.10",
    "06a.12",
    "06a.13",
    "06a.ready",
    "06a.closed",
    "06a.no_due",
    "apology.missing",
)


def assert_agrees(got: pd.Series, n_21: pd.Series, c: Counter) -> None:
    """``got``: code -> value (or baseline) of one unit; ``c``: the reference counts."""
    for code in COUNTS:
        assert got[code] == c[code], code
    assert got["2.1.late"] == c["late"]
    assert got["2.1"] == pytest.approx(100 * c["on_time"] / (c["on_time"] + c["late"]))
    if n_21 is not None:
        assert n_21 == c["on_time"] + c["late"]


@pytest.mark.parametrize("label,seed", [("2024Q1", 1), ("2024Q1", 2), ("2024-02", 3), ("2023Q4", 4), ("2024", 5)])
def test_service_rows_agree_with_a_literal_reading_of_the_rules(label, seed):
    dossiers = random_dossiers(4000, seed)
    period = Period.parse(label)
    rows = service_rows(dossiers, period, 2023, settings=SETTINGS)
    expected, before = reference(dossiers, period), reference(dossiers, period.in_year(2023))
    assert set(expected) == {"Ninh Thạnh", "Ninh Sơn"}
    for unit, c in expected.items():
        got = rows.loc[rows["unit"] == unit].set_index("code")
        assert_agrees(got["value"], got.loc["2.1", "n"], c)
        if period.year != 2023:  # the same period of 2023, by the same rules
            assert_agrees(got["baseline"], None, before[unit])
