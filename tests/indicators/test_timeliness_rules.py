"""The status rules of issue 8 §1, each on a hand-worked table (period 2024Q1 = 01/01–31/03/2024).

Every expected flag is read off the row's comment, not from the code's output.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.indicators.service import NO_SUPPLEMENT_COUNT, service_rows
from analysis.indicators.timeliness import classify
from analysis.periods import Period
from analysis.reference.service import ServiceSettings

P = Period.parse("2024Q1")
U = "Ninh Thạnh"
COLUMNS = [
    "dossier_id",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status_code",
    "apology_issued",
    "supplement_requests",
]
_ = None
ROWS = [
    # status 9, finished 15/03 before its due date 20/03, not collected: result waits for the citizen
    ("READY", "direct", "2024-03-01", "2024-03-20", "2024-03-15", _, 9, False, 0),
    # status 9, finished 15/03 after its due date 10/03, not collected: overdue, late for the citizen (21 days)
    ("LATE9", "direct", "2024-03-01", "2024-03-10", "2024-03-15", _, 9, False, 0),
    # withdrawn (7) after its due date, with a return date: closed, not resolved late, no apology owed
    ("WITHDRAWN", "online", "2024-02-01", "2024-02-10", "2024-02-20", "2024-02-21", 7, False, 0),
    # status 1 (Mới đăng ký): not accepted, counted nowhere
    ("NEW", "online", "2024-02-01", "2024-02-10", _, _, 1, _, 0),
    # returned early (06a.8), but two supplement requests: late in 2.1 (QĐ 766)
    ("RESUPPLIED", "direct", "2024-03-01", "2024-03-10", "2024-03-05", "2024-03-06", 10, _, 2),
    # one supplement request, returned on the due date: on time in both views
    ("ONCE", "online", "2024-03-01", "2024-03-10", "2024-03-10", "2024-03-10", 10, _, 1),
    # blank channel, returned on time: in person (06a.5 and the 3.3 denominator)
    ("BLANK", _, "2024-01-05", "2024-01-10", "2024-01-08", "2024-01-09", 10, _, _),
]


def table(rows: list[tuple] = ROWS, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS).assign(unit=U)
    for column in ("received_at", "due_at", "finished_at", "returned_at"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    frame = frame.astype(
        {
            "status_code": "Int8",
            "apology_issued": "boolean",
            "supplement_requests": "Int8",
            "channel": "string",
            "unit": "string",
            "dossier_id": "string",
        }
    )
    return frame.drop(columns=list(drop)).set_index("dossier_id", drop=False)


@pytest.fixture(scope="module")
def flags() -> pd.DataFrame:
    return classify(table(), P)


def test_ready_by_the_due_date_is_not_overdue_nor_late_for_the_citizen(flags):
    r = flags.loc["READY"]
    assert r["ready"] and r["in_form"] and r["on_time"]
    assert not (r["in_progress"] or r["overdue"] or r["late_for_citizen"] or r["apology_missing"])


def test_status_9_finished_late_counts_late(flags):
    r = flags.loc["LATE9"]
    assert not r["ready"] and r["in_progress"] and r["overdue"] and r["late_for_citizen"] and r["late"]
    assert r["apology_missing"] and r["days_late_citizen"] == 21  # 31/03 − 10/03


def test_withdrawn_with_a_return_date_is_closed_not_resolved_late(flags):
    r = flags.loc["WITHDRAWN"]
    assert r["closed_in_p"] and not (r["resolved"] or r["returned_late"] or r["late_for_citizen"])
    assert not r["apology_missing"] and not r["apology_known"]


def test_status_1_counts_nowhere(flags):
    # classify keeps it (received in P) but no count may include it
    counted = flags.loc["NEW"].drop(["unit", "judged_on", "days_late_766", "days_late_citizen", "handling_days"])
    assert not counted.any()


def test_more_than_one_supplement_request_is_late_in_2_1_only(flags):
    r = flags.loc["RESUPPLIED"]
    assert r["late"] and r["late_resupplied"] and not r["on_time"]
    assert r["returned_early"] and not r["late_for_citizen"]  # II.06a compares dates only
    assert pd.isna(r["days_late_766"])  # late for its requests, not by its dates: no day count
    once = flags.loc["ONCE"]
    assert once["on_time"] and not once["late"] and once["returned_on_time"]


def test_blank_channel_is_in_person(flags):
    r = flags.loc["BLANK"]
    assert r["received_offline"] and not r["received_online"] and r["channel_unknown"]
    assert r["online_den"] and not r["online_num"]


SETTINGS = ServiceSettings(
    targets=pd.DataFrame({"code": ["2.1"], "target": [100.0], "comparison": [">="]}),
    owners={},
    scoring=pd.DataFrame({"code": ["2.1"], "max_points": [20.0], "full_at_pct": [100.0]}),
    certification=pd.DataFrame({"column": ["field"], "contains": ["chứng thực"]}),
)


def value(rows: pd.DataFrame, code: str) -> object:
    return rows.set_index("code").loc[code, "value"]


def test_the_service_rows_of_the_table():
    rows = service_rows(table(), P, 2023, settings=SETTINGS)
    # accepted: 6 (NEW left out). II.06a: resolved (returned with status 10) RESUPPLIED, ONCE, BLANK = 3;
    # early RESUPPLIED, BLANK; on time ONCE; in progress LATE9 (overdue); ready READY; closed WITHDRAWN
    assert value(rows, "06a.3") == 6 and value(rows, "06a.7") == 3 and value(rows, "06a.8") == 2
    assert value(rows, "06a.9") == 1 and value(rows, "06a.10") == 0
    assert value(rows, "06a.11") == 1 and value(rows, "06a.13") == 1 and value(rows, "06a.ready") == 1
    assert value(rows, "06a.closed") == 1 and value(rows, "late.citizen") == 1
    assert value(rows, "apology.missing") == 1
    # 2.1 judges 6: on time READY, ONCE, BLANK, WITHDRAWN (end 20/02 > due 10/02: late); late LATE9, RESUPPLIED,
    # WITHDRAWN -> 3 on time of 6 = 50 %
    assert value(rows, "2.1") == pytest.approx(50.0) and value(rows, "2.1.late") == 3
    assert "gồm 1 hồ sơ trễ hạn vì yêu cầu bổ sung quá một lần" in rows.set_index("code").loc["2.1", "note"]
    # 3.3: online ONCE and WITHDRAWN of the 6 received in P (NEW not accepted, BLANK in person) = 33.3 %
    assert value(rows, "3.3") == pytest.approx(200 / 6)
    assert "gồm 1 hồ sơ không rõ hình thức nộp, tính là trực tiếp" in rows.set_index("code").loc["3.3", "note"]


def test_without_the_supplement_column_the_note_says_the_rule_is_not_applied():
    rows = service_rows(table(drop=("supplement_requests",)), P, 2023, settings=SETTINGS)
    assert value(rows, "2.1.late") == 2  # LATE9 and WITHDRAWN only
    assert NO_SUPPLEMENT_COUNT in rows.set_index("code").loc["2.1", "note"]


def test_manual_figures_fill_the_components_the_export_cannot_give():
    settings = ServiceSettings(
        targets=pd.DataFrame({"code": ["1"], "target": [80.0], "comparison": [">"]}),
        owners={},
        scoring=SETTINGS.scoring,
        certification=SETTINGS.certification,
    )
    manual = pd.DataFrame(
        {
            "unit": [U, U, U, U],
            "period": ["2024Q1", "2024Q1", "2023Q1", "2024Q2"],
            "code": ["1", "5.1", "1", "1"],
            "numerator": [45, 97.5, 30, 1],
            "denominator": [50, None, 40, 100],
        }
    )
    rows = service_rows(table(), P, 2023, settings=settings, manual=manual).set_index("code")
    # 1: 45 / 50 = 90 % (> 80: met, gap 80 − 90 = −10); baseline 2023Q1 30 / 40 = 75 %; 2024Q2 row ignored
    assert rows.loc["1", "value"] == pytest.approx(90.0) and rows.loc["1", "baseline"] == pytest.approx(75.0)
    assert rows.loc["1", "status"] == "met" and rows.loc["1", "gap_to_target"] == pytest.approx(-10.0)
    assert rows.loc["1", "n"] == 50 and rows.loc["1", "measure"] == "percent"
    assert rows.loc["5.1", "value"] == pytest.approx(97.5) and pd.isna(rows.loc["5.1", "n"])  # no denominator
    for code in ("1.1", "1.2", "1.3", "1.4", "5.2", "5.3"):
        assert pd.isna(rows.loc[code, "value"]) and rows.loc[code, "status"] == "no_data"
        assert rows.loc[code, "note"].startswith("Không có dữ liệu — cần ")
    without = service_rows(table(), P, 2023, settings=settings).set_index("code")
    assert without.loc["1", "status"] == "no_data" and pd.isna(without.loc["1", "value"])


def test_the_late_list_says_why_a_dossier_on_time_by_its_dates_is_late():
    from analysis.indicators.service_detail import late_dossiers
    from analysis.report.service import RESUPPLIED_VI, late_list

    dossiers = table().reset_index(drop=True).assign(procedure_name="Khai sinh", field="Hộ tịch")
    late = late_dossiers(dossiers, P).set_index("dossier_id")
    # late in either view: LATE9 (both), WITHDRAWN (2.1 only: end 20/02 > due 10/02), RESUPPLIED (2.1 only)
    assert sorted(late.index) == ["LATE9", "RESUPPLIED", "WITHDRAWN"]
    assert late.loc["RESUPPLIED", "resupplied"] and not late.loc["LATE9", "resupplied"]
    assert late.loc["WITHDRAWN", "days_late_766"] == 10 and not late.loc["WITHDRAWN", "late_for_citizen"]
    assert RESUPPLIED_VI in late_list(late.reset_index())
