"""Points worth winning back, ranked in one currency, on a hand-made table.

PAR leaves 1.1 (2,5), 5.4.1 (1), 5.4.2 (1,5), 5.4.3 (1,5), 9.1 (3,5) -> maximum 10: 5.4.2 loses 0,25 = 2,5 %,
5.4.3 loses 0,75 = 7,5 %. QĐ 766 (out of 100): 2.1 loses 1 = 1 %, 4.2 loses 0,5 = 0,5 %. SIPAS (2 groups):
E1.1 at 90 % in a group of 2 -> 5 / (2 × 2) = 1,25 %; 36 of 40 satisfied, above 95 % needs 39 -> 3 more;
E2.1 at exactly 95 % is not "trên 95 %": 0 %, one more answer (19 -> 20 of 20). PAPI (out of 80, no
sub-dimension scores): D1 4,5 against a median of 5 -> 0,5 / 80 = 0,625 %.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.indicators import win_back
from analysis.indicators.long import long_frame


def rows() -> pd.DataFrame:
    par = [
        ("total", "index", 94, 100, None),
        ("1", "group", 12, 12, None),
        ("1.1", "criterion", 2.5, 2.5, "VP"),
        ("5.4", "criterion", 3, 4, "VP"),
        ("5.4.1", "subcriterion", 1, 1, "VP"),
        ("5.4.2", "subcriterion", 1.25, 1.5, "VP"),
        ("5.4.3", "subcriterion", 0.75, 1.5, "VP"),
        ("9.1", "criterion", 3.5, 3.5, "TC"),
    ]
    out = [{"index": "par", "code": c, "level": lv, "points": p, "max_points": m, "owner": o} for c, lv, p, m, o in par]
    out += [
        {"index": "service", "code": "2.1", "points": 19, "max_points": 20, "owner": "Một cửa"},
        {"index": "service", "code": "4.2", "points": 3.5, "max_points": 4, "owner": "Một cửa"},
        {"index": "service", "code": "5.4", "points": 6, "max_points": 6, "owner": "Một cửa"},
        {"index": "service", "code": "2.1.late", "value": 3},
    ]
    out += [
        {"index": "sipas", "code": "overall", "level": "index", "value": 92, "owner": "Một cửa"},
        {"index": "sipas", "code": "E1", "level": "group", "value": 93},
        {"index": "sipas", "code": "E2", "level": "group", "value": 95},
        {"index": "sipas", "code": "E1.1", "level": "criterion", "value": 90, "n": 40},
        {"index": "sipas", "code": "E1.2", "level": "criterion", "value": 96, "n": 40},
        {"index": "sipas", "code": "E2.1", "level": "criterion", "value": 95, "n": 20},
    ]
    out += [
        {"index": "papi", "code": "D1", "level": "dimension", "value": 4.5, "target": 5, "owner": "VH-XH"},
        {"index": "papi", "code": "D2", "level": "dimension", "value": 6, "target": 5, "owner": "ĐC"},
        {"index": "papi", "code": "D1.1", "level": "subdimension", "owner": "VH-XH"},
    ]
    return long_frame(out)


def test_ranked_by_share_of_each_index_maximum():
    out = win_back.table(rows(), {("service", "2.1"): "Trong năm 2024"}, default_deadline="Thường xuyên")
    assert list(zip(out["index"], out["code"])) == [
        ("par", "5.4.3"),
        ("par", "5.4.2"),
        ("sipas", "E1.1"),
        ("service", "2.1"),
        ("papi", "D1"),
        ("service", "4.2"),
        ("sipas", "E2.1"),
    ]
    assert out["share_of_max"].tolist() == pytest.approx([7.5, 2.5, 1.25, 1.0, 0.625, 0.5, 0.0])
    assert out["lost"].tolist() == pytest.approx([0.75, 0.25, 5, 1, 0.5, 0.5, 0])
    by = out.set_index("code")
    assert by.loc["E1.1", "answers_needed"] == 3 and by.loc["E2.1", "answers_needed"] == 1
    assert by.loc["E1.1", "owner"] == "Một cửa"  # SIPAS criteria take the index's owner
    assert by.loc["2.1", "deadline"] == "Trong năm 2024" and by.loc["5.4.3", "deadline"] == "Thường xuyên"


def test_satisfied_answers_needed_uses_integers():
    assert win_back.satisfied_needed(36 / 41 * 100, 41) == 3  # 95 % of 41 = 38,95 -> 39
    assert win_back.satisfied_needed(100, 10) == 0
    assert win_back.satisfied_needed(90, 20) == 2  # 18 of 20; above 19 -> 20
