"""The service index (QĐ 766 + form II.06a) on a tiny hand-worked dossier table.

Period P = 2024Q1 = 01/01/2024 .. 31/03/2024; baseline 2023Q1. Every expected number below is worked out by
hand from the table, with the arithmetic in a comment; none is copied from the code's output.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.indicators import service_detail as detail
from analysis.indicators.service import ALL_FIGURES, CODES, service_rows
from analysis.periods import Period
from analysis.reference.service import ServiceSettings

P = Period.parse("2024Q1")
NT, NS = "Ninh Thạnh", "Ninh Sơn"
COLUMNS = [
    "dossier_id",
    "unit",
    "field",
    "procedure_name",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status_code",
    "apology_issued",
    "fee_required",
    "paid_online",
    "e_result",
    "digitised",
    "data_reused",
    "rating",
    "complaint",
]
HT, DD, BT, TP, CT = "Hộ tịch", "Đất đai", "Bảo trợ xã hội", "Tư pháp", "Chứng thực"
_ = None
# id     unit field proc                 chan      received            due                finished            returned           st apol  fee    paid   eres   digi   reuse  rating               complaint
DOSSIERS = [
    # received and finished before P: counted nowhere in P
    (
        "D01",
        NT,
        HT,
        "Khai sinh",
        "direct",
        "2023-12-10",
        "2023-12-20",
        "2023-12-18",
        "2023-12-19",
        10,
        _,
        False,
        False,
        True,
        True,
        False,
        _,
        False,
    ),
    # received before P, still open: carried over (06a.6), judged at 31/03 -> late 766; overdue 06a.13; apology issued
    (
        "D02",
        NT,
        HT,
        "Khai sinh",
        "direct",
        "2023-12-20",
        "2024-01-10",
        _,
        _,
        4,
        True,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # received before P, finished and returned in P on the due date: carried over, on time (766 and 06a.9); fee paid online but received before P
    (
        "D03",
        NT,
        HT,
        "Khai tử",
        "online",
        "2023-12-28",
        "2024-01-05",
        "2024-01-04",
        "2024-01-05",
        10,
        _,
        True,
        True,
        True,
        True,
        False,
        "satisfied",
        False,
    ),
    # received in P, finished 17:30 and returned 18:00 on the due date (due 17:00): on time on calendar dates (766, 06a.9)
    (
        "D04",
        NT,
        HT,
        "Khai tử",
        "online",
        "2024-01-08 09:30",
        "2024-01-15 17:00",
        "2024-01-15 17:30",
        "2024-01-15 18:00",
        10,
        _,
        False,
        False,
        True,
        True,
        True,
        "very_satisfied",
        False,
    ),
    # finished one day late, returned two days late, no apology letter; the citizen complained
    (
        "D05",
        NT,
        HT,
        "Kết hôn",
        "direct",
        "2024-01-10",
        "2024-01-20",
        "2024-01-21",
        "2024-01-22",
        10,
        False,
        False,
        False,
        True,
        True,
        False,
        _,
        True,
    ),
    # no due date: handled but not judged (766), returned in P but not classifiable (06a.no_due)
    (
        "D06",
        NT,
        HT,
        "Kết hôn",
        "direct",
        "2024-02-01",
        _,
        "2024-02-03",
        "2024-02-03",
        10,
        _,
        False,
        False,
        False,
        True,
        False,
        "very_dissatisfied",
        False,
    ),
    # status 3 (not accepted): counted nowhere, not even as received
    (
        "D07",
        NT,
        HT,
        "Kết hôn",
        "direct",
        "2024-02-05",
        "2024-02-10",
        _,
        _,
        3,
        _,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # withdrawn in P (status 7, end 12/02 <= due): on time (766); not returned -> 06a.closed; received online (06a.4)
    (
        "D08",
        NT,
        DD,
        "Xác nhận đất",
        "online",
        "2024-02-10",
        "2024-02-20",
        "2024-02-12",
        _,
        7,
        _,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # finished on time (766) but returned after P: in progress and overdue for the citizen (06a.13), no apology; by post
    (
        "D09",
        NT,
        HT,
        "Khai sinh",
        "post",
        "2024-03-01",
        "2024-03-10",
        "2024-03-05",
        "2024-04-02",
        10,
        False,
        False,
        False,
        False,
        False,
        False,
        "dissatisfied",
        False,
    ),
    # open at P's end, due after P: on time (766, judged at 31/03 <= 05/04), within time (06a.12)
    (
        "D10",
        NT,
        DD,
        "Xác nhận đất",
        "online",
        "2024-03-20",
        "2024-04-05",
        _,
        _,
        4,
        _,
        False,
        False,
        False,
        True,
        True,
        _,
        False,
    ),
    # supplement requested (status 5), due on P's last day: on time (31/03 <= 31/03), within time (due >= last day)
    (
        "D11",
        NT,
        DD,
        "Xác nhận đất",
        "direct",
        "2024-03-25",
        "2024-03-31",
        _,
        _,
        5,
        _,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # returned early (22/01 < 25/01); fee-bearing, paid online
    (
        "D12",
        NT,
        BT,
        "Trợ cấp",
        "online",
        "2024-01-15",
        "2024-01-25",
        "2024-01-20",
        "2024-01-22",
        10,
        _,
        True,
        True,
        True,
        True,
        True,
        "neutral",
        False,
    ),
    # returned early (24/02 < 25/02); fee-bearing, not paid online
    (
        "D13",
        NT,
        BT,
        "Trợ cấp",
        "direct",
        "2024-02-15",
        "2024-02-25",
        "2024-02-24",
        "2024-02-24",
        10,
        _,
        True,
        False,
        True,
        False,
        False,
        "very_dissatisfied",
        False,
    ),
    # received after P: counted nowhere in P
    (
        "D14",
        NT,
        HT,
        "Khai sinh",
        "online",
        "2024-04-02",
        "2024-04-10",
        "2024-04-03",
        "2024-04-03",
        10,
        _,
        False,
        False,
        True,
        True,
        True,
        _,
        False,
    ),
    # stopped (status 8) before P with no end date: closes on its received date, never carried over
    (
        "D15",
        NT,
        HT,
        "Khai sinh",
        "direct",
        "2023-11-01",
        "2023-11-10",
        _,
        _,
        8,
        _,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # processed (status 9) after P, not returned: late 766 (31/03 > 29/03), overdue 06a.13; apology issued
    (
        "D16",
        NT,
        DD,
        "Xác nhận đất",
        "online",
        "2024-03-28",
        "2024-03-29",
        "2024-04-03",
        _,
        9,
        True,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # certification recognised by its procedure name (field Tư pháp), in person, same-day
    (
        "D17",
        NT,
        TP,
        "Chứng thực bản sao từ bản chính",
        "direct",
        "2024-02-20",
        "2024-02-20",
        "2024-02-20",
        "2024-02-20",
        10,
        _,
        False,
        False,
        True,
        False,
        False,
        _,
        False,
    ),
    # certification recognised by its field, online, same-day
    (
        "D18",
        NT,
        CT,
        "Chứng thực chữ ký",
        "online",
        "2024-01-03",
        "2024-01-03",
        "2024-01-03",
        "2024-01-03",
        10,
        _,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # baseline 2023Q1: late in both views, apology issued
    (
        "B1",
        NT,
        HT,
        "Khai sinh",
        "direct",
        "2023-01-05",
        "2023-01-10",
        "2023-01-12",
        "2023-01-12",
        10,
        True,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # baseline: returned early, online
    (
        "B2",
        NT,
        HT,
        "Khai sinh",
        "online",
        "2023-02-01",
        "2023-02-10",
        "2023-02-05",
        "2023-02-06",
        10,
        _,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # baseline: on the due date
    (
        "B3",
        NT,
        HT,
        "Khai sinh",
        "direct",
        "2023-03-01",
        "2023-03-10",
        "2023-03-10",
        "2023-03-10",
        10,
        _,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # baseline: finished on time, returned late, no apology
    (
        "B4",
        NT,
        HT,
        "Khai sinh",
        "direct",
        "2023-03-05",
        "2023-03-15",
        "2023-03-14",
        "2023-03-20",
        10,
        False,
        False,
        False,
        False,
        False,
        False,
        _,
        False,
    ),
    # another unit: one dossier, on time everywhere
    (
        "S1",
        NS,
        HT,
        "Khai sinh",
        "online",
        "2024-01-05",
        "2024-01-10",
        "2024-01-09",
        "2024-01-09",
        10,
        _,
        False,
        False,
        True,
        True,
        False,
        _,
        False,
    ),
]


def frame(records: list[tuple], columns: list[str] = COLUMNS) -> pd.DataFrame:
    """The processed one-stop schema (types as ingest writes them) from literal records."""
    table = pd.DataFrame.from_records(records, columns=columns)
    for column in ("received_at", "due_at", "finished_at", "returned_at"):
        table[column] = pd.to_datetime(table[column], format="ISO8601").astype("datetime64[us]")
    for column in ("dossier_id", "unit", "field", "procedure_name", "channel", "rating"):
        if column in table:
            table[column] = table[column].astype("string")
    for column in (
        "apology_issued",
        "fee_required",
        "paid_online",
        "e_result",
        "digitised",
        "data_reused",
        "complaint",
    ):
        if column in table:
            table[column] = table[column].astype("boolean")
    table["status_code"] = table["status_code"].astype("Int8")
    return table


SETTINGS = ServiceSettings(
    targets=pd.DataFrame(
        {
            "code": [
                "2.1",
                "2.1.late",
                "06a.10",
                "06a.13",
                "apology.missing",
                "3.3",
                "3.3.chung_thuc",
                "3.6",
                "4.1",
                "4.2",
                "5.4",
            ],
            "target": [100, 0, 0, 0, 0, 80, 80, 80, 90, 90, 95],
            "comparison": [">=", "<=", "<=", "<=", "<=", ">", ">", ">", ">", ">", ">"],
        }
    ),
    owners={"2.1": "Bộ phận một cửa"},
    scoring=pd.DataFrame(
        {
            "code": ["2.1", "3.6", "4.1", "4.2", "4.3", "5.4"],
            "max_points": [20.0, 6, 6, 4, 2, 6],
            "full_at_pct": [100.0, 100, 100, 80, 80, 90],
        }
    ),
    certification=pd.DataFrame({"column": ["field", "procedure_name"], "contains": ["chứng thực", "chứng thực"]}),
)


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return service_rows(frame(DOSSIERS), P, 2023, settings=SETTINGS)


def row(rows: pd.DataFrame, code: str, unit: str = NT) -> dict:
    found = rows.loc[(rows["unit"] == unit) & (rows["code"] == code)]
    assert len(found) == 1, (unit, code)
    return found.iloc[0].to_dict()


def value(rows: pd.DataFrame, code: str, unit: str = NT) -> float:
    return row(rows, code, unit)["value"]


# ------------------------------------------------------------------ QĐ 766, indicator 2.1


def test_2_1_on_the_end_of_processing_view(rows):
    # handled = received in P (D04 D05 D06 D08 D09 D10 D11 D12 D13 D16 D17 D18 = 12; D07 status 3, D14 after P)
    #         + received before P and not finished before 01/01 (D02 open, D03 finished 04/01) = 14
    # judged = handled with a due date = 14 - D06 = 13
    # late: D02 (31/03 > 10/01), D05 (21/01 > 20/01), D16 (31/03 > 29/03) = 3 -> on time 10
    # value = 10 / 13 × 100 = 76.923 %, points = 76.923 × 20 / 100 = 15.385
    r = row(rows, "2.1")
    assert r["value"] == pytest.approx(1000 / 13)
    assert r["points"] == pytest.approx(1000 / 13 * 0.2)
    assert r["max_points"] == 20 and r["n"] == 13 and r["measure"] == "percent"
    assert "ngày kết thúc xử lý" in r["note"] and "1 hồ sơ không có ngày hẹn trả" in r["note"]
    assert value(rows, "2.1.late") == 3  # = judged 13 − on time 10


def test_2_1_baseline_change_gap_status_owner(rows):
    # 2023Q1: B1 late (12/01 > 10/01), B2 B3 B4 on time -> 3 / 4 = 75 %
    r = row(rows, "2.1")
    assert r["baseline"] == 75 and r["baseline_period"] == "2023Q1" and r["period"] == "2024Q1"
    assert r["change_vs_baseline"] == pytest.approx(1000 / 13 - 75)  # +1.92 points
    assert r["target"] == 100 and r["gap_to_target"] == pytest.approx(100 - 1000 / 13)
    assert r["status"] == "improving"  # target not met, better than 2023
    assert r["owner"] == "Bộ phận một cửa" and r["index"] == "service"
    late = row(rows, "2.1.late")
    assert late["baseline"] == 1 and late["status"] == "worse"  # 3 late vs 1, target "<= 0"


def test_another_unit_is_counted_apart(rows):
    # Ninh Sơn: S1 only, finished 09/01 <= due 10/01 -> 1 / 1
    assert value(rows, "2.1", NS) == 100 and value(rows, "06a.3", NS) == 1
    assert row(rows, "2.1", NS)["status"] == "met"
    assert set(rows["unit"]) == {NT, NS} and len(rows) == 2 * len(CODES)


# ------------------------------------------------------------------ form II.06a (return-date view)


def test_06a_received_columns(rows):
    # received in P: 12 (see 2.1); online: D04 D08 D10 D12 D16 D18 = 6; in person or post: 12 − 6 = 6
    # carried over: received before P, not returned before 01/01, not closed before: D02, D03 = 2
    #   (D01 returned 19/12; D15 stopped, no date -> closed on its received date 01/11/2023; B* returned in 2023)
    assert value(rows, "06a.4") == 6 and value(rows, "06a.5") == 6 and value(rows, "06a.6") == 2
    assert value(rows, "06a.3") == 14  # 6 + 6 + 2


def test_06a_resolved_columns(rows):
    # returned within P: D03 05/01, D04 15/01, D05 22/01, D06 03/02, D12 22/01, D13 24/02, D17 20/02, D18 03/01 = 8
    # D06 has no due date -> not classifiable; resolved 06a.7 = 7
    #   early (returned < due): D12 22/01 < 25/01, D13 24/02 < 25/02 = 2
    #   on time (=): D03, D04 (15/01 18:00 vs 15/01 17:00 — same day), D17, D18 = 4
    #   late (>): D05 22/01 > 20/01 = 1
    assert [value(rows, c) for c in ("06a.7", "06a.8", "06a.9", "06a.10")] == [7, 2, 4, 1]


def test_06a_in_progress_columns(rows):
    # not returned by 31/03 and not withdrawn: D02, D09 (returned 02/04), D10, D11, D16 = 5
    #   within time (due >= 31/03): D10 05/04, D11 31/03 = 2; overdue: D02 10/01, D09 10/03, D16 29/03 = 3
    assert [value(rows, c) for c in ("06a.11", "06a.12", "06a.13")] == [5, 2, 3]
    assert value(rows, "06a.closed") == 1  # D08, withdrawn 12/02, never returned
    assert value(rows, "06a.no_due") == 1  # D06


def test_06a_identities(rows):
    v = {c: value(rows, c) for c in CODES if c.startswith("06a")}
    assert v["06a.3"] == v["06a.4"] + v["06a.5"] + v["06a.6"]
    assert v["06a.7"] == v["06a.8"] + v["06a.9"] + v["06a.10"]
    assert v["06a.11"] == v["06a.12"] + v["06a.13"]
    # Withdrawn/stopped dossiers not returned and dossiers without a due date are neither resolved nor in
    # progress: they close the gap. 14 = 7 + 5 + 1 + 1
    assert v["06a.3"] == v["06a.7"] + v["06a.11"] + v["06a.closed"] + v["06a.no_due"]


def test_06a_baseline(rows):
    # 2023Q1: received B1..B4 = 4 (online B2 = 1), nothing carried; all returned in Q1:
    # early B2 (06/02 < 10/02), on time B3, late B1 (12/01 > 10/01) and B4 (20/03 > 15/03)
    base = {c: row(rows, c)["baseline"] for c in ("06a.3", "06a.4", "06a.7", "06a.8", "06a.9", "06a.10", "06a.13")}
    assert base == {"06a.3": 4, "06a.4": 1, "06a.7": 4, "06a.8": 1, "06a.9": 1, "06a.10": 2, "06a.13": 0}
    assert row(rows, "06a.10")["change_vs_baseline"] == -1  # 1 − 2
    assert row(rows, "06a.13")["status"] == "worse"  # 3 overdue vs 0, target 0
    assert pd.isna(row(rows, "06a.3")["status"])  # a volume: no judgement


def test_apology_missing(rows):
    # late for the citizen: D05 (06a.10) + D02, D09, D16 (06a.13) = 4; no letter: D05, D09 = 2
    r = row(rows, "apology.missing")
    assert r["value"] == 2 and r["n"] == 4
    assert r["baseline"] == 1  # 2023Q1: B1 (letter), B4 (none)


# ------------------------------------------------------------------ shares


def test_3_3_online_share(rows):
    # online 6 / received in P 12 = 50 %; 2023Q1: 1 / 4 = 25 %; target > 80 -> not met, improving
    r = row(rows, "3.3")
    assert r["value"] == 50 and r["n"] == 12 and r["baseline"] == 25
    assert r["gap_to_target"] == 30 and r["status"] == "improving"
    assert pd.isna(r["points"]) and pd.isna(r["max_points"])  # group 3a's split is not published: no points


def test_3_3_certification_share(rows):
    # certification received in P: D17 (procedure name, in person), D18 (field, online) -> 1 / 2 = 50 %
    # 2023Q1 had no certification dossier -> no baseline
    r = row(rows, "3.3.chung_thuc")
    assert r["value"] == 50 and r["n"] == 2
    assert pd.isna(r["baseline"]) and r["status"] == "no_baseline"


def test_3_6_online_payment(rows):
    # fee-bearing received in P: D12 (paid), D13 (not paid) -> 1 / 2 = 50 %; D03 paid but received before P
    # points = 50 × 6 / 100 = 3
    r = row(rows, "3.6")
    assert (r["value"], r["n"], r["points"]) == (50, 2, 3)


def test_4_1_e_result(rows):
    # with a result (status 9/10) whose processing ended in P: D03 D04 D05 D06 D09 D12 D13 D17 D18 = 9
    # (D16 finished 03/04, D08 withdrawn); e-result: D03 D04 D05 D12 D13 D17 = 6 -> 66.667 %, 4 points
    r = row(rows, "4.1")
    assert r["value"] == pytest.approx(600 / 9) and r["n"] == 9 and r["points"] == pytest.approx(4)


def test_4_2_digitised(rows):
    # digitised and e-result among the 14 handled: D03 D04 D05 D12 = 4 (D06, D10 digitised without e-result)
    # 4 / 14 = 28.571 %; points = min(4, 28.571 × 4 / 80) = 1.4286
    r = row(rows, "4.2")
    assert r["value"] == pytest.approx(400 / 14) and r["points"] == pytest.approx(400 / 14 * 4 / 80)


def test_4_3_reuse(rows):
    # reused among 12 received in P: D04 D10 D12 = 3 -> 25 %; points = min(2, 25 × 2 / 80) = 0.625; no target
    # 2023Q1: none of B1..B4 reused data -> 0 / 4 = 0 %; no target, so the status is the direction: improving
    r = row(rows, "4.3")
    assert r["value"] == 25 and r["points"] == pytest.approx(0.625)
    assert r["baseline"] == 0 and pd.isna(r["target"]) and r["status"] == "improving"


def test_5_4_satisfaction(rows):
    # over the 13 judged: late 3 (23.077 %); complaint or dissatisfied rating: D05 complaint, D09 dissatisfied,
    # D13 very dissatisfied = 3 (23.077 %); D12 neutral does not count, D06 is not judged
    # 5.4 = 100 − (23.077 + 23.077) = 53.846; points = min(6, 53.846 × 6 / 90) = 3.590
    r = row(rows, "5.4")
    assert r["value"] == pytest.approx(100 - 600 / 13)
    assert r["points"] == pytest.approx((100 - 600 / 13) * 6 / 90)
    assert r["n"] == 13


# ------------------------------------------------------------------ methodology anchors and edge cases


def on_time_table(on_time: int, late: int, complaints: int = 0) -> pd.DataFrame:
    """``on_time`` dossiers finished before their due date and ``late`` after it, all in January 2024;
    the first ``complaints`` of them carry a complaint."""
    ends = ["2024-01-09" if i < on_time else "2024-01-11" for i in range(on_time + late)]  # finished = returned
    records = [
        (
            f"A{i:02d}",
            NT,
            HT,
            "Khai sinh",
            "direct",
            "2024-01-02",
            "2024-01-10",
            end,
            end,
            10,
            True,
            False,
            False,
            False,
            False,
            False,
            _,
            i < complaints,
        )
        for i, end in enumerate(ends)
    ]
    return frame(records)


def test_anchor_95_percent_on_time_is_19_points():
    # 19 on time of 20 -> 95 % -> 95 × 20 / 100 = 19.0 points (docs/methodology.md §6)
    r = row(service_rows(on_time_table(19, 1), P, 2023, settings=SETTINGS), "2.1")
    assert r["value"] == 95 and r["points"] == pytest.approx(19.0)


def test_anchor_satisfaction_85_percent_is_5_67_points():
    # 18 on time, 2 late of 20 -> 10 % late; 1 complaint -> 5 %; 5.4 = 100 − 15 = 85 -> 85 × 6 / 90 = 5.67
    r = row(service_rows(on_time_table(18, 2, complaints=1), P, 2023, settings=SETTINGS), "5.4")
    assert r["value"] == pytest.approx(85) and round(r["points"], 2) == 5.67


def test_satisfaction_points_are_capped():
    # 20 on time, no complaint: 5.4 = 100 -> min(6, 100 × 6 / 90 = 6.67) = 6
    r = row(service_rows(on_time_table(20, 0), P, 2023, settings=SETTINGS), "5.4")
    assert r["value"] == 100 and r["points"] == 6


def test_columns_the_export_lacks_are_no_data_never_zero():
    # the export carries neither apology, fee, payment, e-result, digitisation, reuse, rating nor complaint
    lean = frame([record[:10] for record in DOSSIERS], COLUMNS[:10])
    rows = service_rows(lean, P, 2023, settings=SETTINGS)
    for code in ("apology.missing", "3.6", "4.1", "4.2", "4.3", "5.4"):
        r = row(rows, code)
        assert pd.isna(r["value"]) and r["status"] == "no_data", code
        assert "Tệp xuất không có cột" in r["note"], code
        assert pd.isna(r["points"]), code
    assert "phiếu xin lỗi" in row(rows, "apology.missing")["note"]
    assert "thủ tục có thu phí" in row(rows, "3.6")["note"] and "thanh toán trực tuyến" in row(rows, "3.6")["note"]
    # what the export does carry still counts: 2.1 = 10 / 13 as in the full table
    assert value(rows, "2.1") == pytest.approx(1000 / 13) and value(rows, "3.3") == 50


def test_a_share_without_eligible_dossiers_is_no_data_with_its_reason():
    # only D01..D11 + D14..D16 (no fee-bearing dossier received in P: D03 was received before P)
    table = frame([r for r in DOSSIERS if r[0] not in ("D12", "D13")])
    r = row(service_rows(table, P, 2023, settings=SETTINGS), "3.6")
    assert pd.isna(r["value"]) and r["status"] == "no_data" and "thu phí" in r["note"] and r["n"] == 0


def test_apology_missing_is_zero_when_nothing_was_late_even_without_the_column():
    # nothing late for the citizen -> no letter can be missing, whether or not the export has the column
    table = on_time_table(3, 0).drop(columns=["apology_issued"])
    assert value(service_rows(table, P, 2023, settings=SETTINGS), "apology.missing") == 0


def test_a_unit_without_dossiers_gets_no_data_rows():
    rows = service_rows(frame(DOSSIERS), P, 2023, settings=SETTINGS, units=[NT, "Tân Bình"])
    empty = rows.loc[rows["unit"] == "Tân Bình"]
    assert len(empty) == len(CODES) and empty["value"].isna().all() and (empty["status"] == "no_data").all()
    from_export = empty["code"].isin([f.code for f in ALL_FIGURES])
    assert empty.loc[from_export, "note"].str.contains("Không có hồ sơ").all()
    assert empty.loc[~from_export, "note"].str.startswith("Không có dữ liệu — cần ").all()


def test_a_unit_without_2023_data_has_no_baseline():
    # Ninh Sơn has no 2023 dossier: baseline NA, status from the target only
    r = row(service_rows(frame(DOSSIERS), P, 2023, settings=SETTINGS), "2.1", NS)
    assert pd.isna(r["baseline"]) and pd.isna(r["change_vs_baseline"]) and r["status"] == "met"


def test_blank_channel_counts_as_in_person_in_06a_5_and_3_3_alike():
    # D04 (online) loses its channel: received in P 12; online 5; 06a.5 = 12 − 5 = 7 (with the blank one);
    # 3.3 = 5 online / 12 received = 41.67 % (the blank one is in person, as the portal counts it)
    records = [r[:4] + (None,) + r[5:] if r[0] == "D04" else r for r in DOSSIERS]
    rows = service_rows(frame(records), P, 2023, settings=SETTINGS)
    assert value(rows, "06a.4") == 5 and value(rows, "06a.5") == 7
    assert value(rows, "3.3") == pytest.approx(500 / 12) and row(rows, "3.3")["n"] == 12
    for code in ("06a.5", "3.3"):
        assert "1 hồ sơ không rõ hình thức nộp, tính là trực tiếp" in row(rows, code)["note"]


def test_long_format_and_codes(rows):
    assert list(rows.loc[rows["unit"] == NT, "code"]) == CODES
    assert {
        "2.1",
        "2.1.late",
        "06a.3",
        "06a.13",
        "apology.missing",
        "3.3",
        "3.3.chung_thuc",
        "3.6",
        "4.1",
        "4.2",
        "4.3",
        "5.4",
    } <= set(CODES)
    assert rows["name"].notna().all() and rows["measure"].isin(["percent", "count"]).all()
    assert row(rows, "06a.10")["note"].startswith("Theo ngày trả kết quả")


def test_reference_settings_cover_the_plan_targets():
    settings = ServiceSettings.from_reference()
    targets = dict(zip(settings.targets["code"], settings.targets["target"]))
    assert targets["3.3.chung_thuc"] == 80 and targets["2.1.late"] == 0 and targets["5.4"] == 95
    assert set(settings.scoring["code"]) >= {"2.1", "5.4"}
    assert any("chứng thực" in line for line in settings.describe())
    # the project's own readings are said as such, never attributed to the portal
    readings = [line for line in settings.describe() if "cách đọc của dự án" in line]
    assert any("3.6 và 4.1" in line for line in readings) and any("mẫu số của 4.1" in line.lower() for line in readings)
    assert any("chứng thực điện tử" in line for line in readings)


# ------------------------------------------------------------------ details behind the figures


def test_breakdown_by_field_adds_up():
    # Hộ tịch: handled D02 D03 D04 D05 D06 D09 = 6, judged 5 (D06), late D02 D05 = 2 -> 40 %;
    #          late for the citizen D02 D05 D09 = 3; no letter D05 D09 = 2
    # Đất đai: handled D08 D10 D11 D16 = 4, late D16 -> 25 %; late for the citizen D16; letter issued
    table = detail.breakdown(frame(DOSSIERS).query("unit == @NT"), P, "field").set_index("field")
    assert table.loc[HT, ["handled", "judged", "on_time", "late", "late_for_citizen", "apology_missing"]].tolist() == [
        6,
        5,
        3,
        2,
        3,
        2,
    ]
    assert table.loc[HT, "late_share"] == 40 and table.loc[DD, "late_share"] == 25
    assert table.index[0] == HT  # most late for the citizen first
    assert table["late"].sum() == 3 and table["handled"].sum() == 14  # = 2.1.late and handled of the unit


def test_breakdown_by_procedure():
    # Khai sinh: D02 (late both), D09 (late for the citizen) -> late 1, late for the citizen 2
    table = detail.breakdown(frame(DOSSIERS).query("unit == @NT"), P, ["procedure_name", "field"])
    khai_sinh = table.loc[table["procedure_name"] == "Khai sinh"].iloc[0]
    assert (khai_sinh["late"], khai_sinh["late_for_citizen"], khai_sinh["field"]) == (1, 2, HT)


def test_handling_times():
    # result with processing ended in P: D03 7 days (28/12 -> 04/01), D04 7, D05 11, D06 2, D09 4, D12 5,
    # D13 9, D17 0, D18 0; Hộ tịch: 7 7 11 2 4 -> median 7, mean 31 / 5 = 6.2, longest 11
    times = detail.handling_times(frame(DOSSIERS).query("unit == @NT"), P)
    assert sorted(times["days"]) == [0, 0, 2, 4, 5, 7, 7, 9, 11]
    summary = detail.handling_summary(times).set_index("field")
    assert summary.loc[HT, ["dossiers", "mean_days", "median_days", "max_days"]].tolist() == [5, 6.2, 7, 11]


def test_monthly_trend_against_2023():
    # January 2024: received D04 D05 D12 D18 = 4; handled + D02 (open) + D03 (finished 04/01) = 6;
    #   late D02 (31/01 > 10/01), D05 -> on time 4 / 6 = 66.67 %
    # January 2023: B1 only, late -> 0 %
    trend = detail.monthly_trend(frame(DOSSIERS).query("unit == @NT"), P, 2023).set_index(["year", "month"])
    jan = trend.loc[(2024, 1)]
    assert (jan["received_in_p"], jan["handled"], jan["late"]) == (4, 6, 2)
    assert jan["on_time_pct"] == pytest.approx(400 / 6)
    assert trend.loc[(2023, 1), "on_time_pct"] == 0 and trend.loc[(2023, 1), "label"] == "Tháng 01/2023"
    assert len(trend) == 6  # three months of 2024 and three of 2023


def test_late_dossier_list():
    # D02: 766 31/03 − 10/01 = 81 days, citizen the same 81; D09: citizen 31/03 − 10/03 = 21 (on time for 766);
    # D05: 766 1 day (21/01), citizen 2 (22/01); D16: 2 and 2. Longest first, ties by id.
    late = detail.late_dossiers(frame(DOSSIERS).query("unit == @NT"), P)
    assert list(late["dossier_id"]) == ["D02", "D09", "D05", "D16"]
    d09 = late.iloc[1]
    assert pd.isna(d09["days_late_766"]) and d09["days_late_citizen"] == 21 and not d09["late_766"]
    assert late["days_late_766"].tolist()[0] == 81 and late.iloc[2]["days_late_citizen"] == 2
    assert late["apology"].tolist() == [True, False, False, True]
    assert not set(late.columns) & {"applicant", "name", "phone", "address", "email", "id_number"}


def test_dates_out_of_order_still_count_where_received():
    # received 02/01/2024 but finished 30/12/2023 and returned 31/12/2023 (a data-entry error): still received
    # in P (06a.5 = 1, 06a.3 = 1); not returned within P and not withdrawn -> in progress; due 05/01 < 31/03
    # -> overdue (06a.13 = 1). 766: handled as received in P, judged on its end 30/12 <= due -> on time (100 %)
    odd = frame(
        [
            (
                "E1",
                NT,
                HT,
                "Khai sinh",
                "direct",
                "2024-01-02",
                "2024-01-05",
                "2023-12-30",
                "2023-12-31",
                10,
                True,
                False,
                False,
                False,
                False,
                False,
                _,
                False,
            )
        ]
    )
    rows = service_rows(odd, P, 2023, settings=SETTINGS)
    assert [value(rows, c) for c in ("06a.3", "06a.5", "06a.13", "2.1")] == [1, 1, 1, 100]


# ------------------------------------------------------------------ the I/O edge


def write_processed(folder):
    """DOSSIERS as the processed one-stop table, through the store (which checks the schema)."""
    from analysis import store
    from analysis.store import schemas

    table = frame(DOSSIERS).assign(source_file="one_stop/x.csv", source_row=range(2, len(DOSSIERS) + 2))
    store.write_table("one_stop", schemas.ONE_STOP.conform(table), schemas.QUARANTINE.empty(), folder)


def test_collect_rows_cover_every_unit_of_the_city(tmp_path):
    from analysis.collect import service as collect
    from analysis.reference import units

    write_processed(tmp_path)
    rows = collect.rows(tmp_path, P)
    city = [u.unit for u in units.all_units()]
    assert list(dict.fromkeys(rows["unit"])) == city  # units.csv order, each with every code
    assert len(rows) == len(city) * len(CODES)
    assert value(rows, "2.1") == pytest.approx(1000 / 13)  # as in the hand-worked table
    assert (rows.loc[rows["unit"] == "Tân Bình", "status"] == "no_data").all()
    nothing = collect.rows(tmp_path / "empty", P)  # no one-stop export at all
    assert len(nothing) == len(city) * len(CODES) and nothing["value"].isna().all()


def test_unit_view_gathers_the_report(tmp_path):
    from analysis.collect import service as collect

    write_processed(tmp_path)
    view = collect.unit_view(tmp_path, P, NT, settings=SETTINGS)
    assert view.has_data and list(view.late["dossier_id"]) == ["D02", "D09", "D05", "D16"]
    assert view.missing_columns == ["supplement_requests"]  # the only optional column the table lacks
    assert view.comparisons["3.3"] == ">" and view.baseline_period.label == "2023Q1"
    assert not collect.unit_view(tmp_path, P, "Tân Bình", settings=SETTINGS).has_data


def test_every_target_of_the_plan_gets_a_row_even_without_data():
    from analysis.collect import sipas as sipas_collect
    from analysis.indicators import sipas as sipas_index
    from analysis.ingest import sipas as sipas_ingest
    from analysis.reference import plan

    targets = plan.targets()
    service = service_rows(frame(DOSSIERS).iloc[0:0], P, 2023, settings=SETTINGS, units=["Tân Bình"])
    sipas = sipas_index.no_data_rows(
        sipas_ingest.questionnaire(), unit="Tân Bình", period=P.label, settings=sipas_collect.settings()
    )
    have = set(zip(service["index"], service["code"])) | set(zip(sipas["index"], sipas["code"]))
    assert set(zip(targets["index"], targets["code"])) <= have
    assert (service["status"] == "no_data").all()
