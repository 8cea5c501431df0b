"""PAR INDEX arithmetic on hand-made trees and scores: roll-up, status rule, year mapping, views, QĐ 2729."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.indicators import par as ip
from analysis.indicators import par_views as views
from analysis.indicators.long import LONG_COLUMNS
from analysis.reference.par import build_tree, read_ratings
from analysis.reference.par_tree import counterparts, rollup

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "par"
BANDS = pd.DataFrame({"rating": ["Tốt", "Khá", "Kém"], "min_percent": [80.0, 60.0, 0.0]})


def tree_of(rows: list[tuple[str, str | None, float]]) -> pd.DataFrame:
    raw = pd.DataFrame(
        {
            "code": [r[0] for r in rows],
            "parent": [r[1] for r in rows],
            "name": [f"Tiêu chí {r[0]}" for r in rows],
            "max_points": [r[2] for r in rows],
            "method": "appraisal",
            "line": range(2, 2 + len(rows)),
        },
        dtype=object,
    )
    return build_tree(raw, None, "test.csv")


# 1 (3) = 1.1 (2) [1.1.1 (1) + 1.1.2 (1)] + 1.2 (1); 2 (2) = 2.1 (2). Total 5.
TREE = tree_of(
    [
        ("1", None, 3),
        ("1.1", "1", 2),
        ("1.1.1", "1.1", 1),
        ("1.1.2", "1.1", 1),
        ("1.2", "1", 1),
        ("2", None, 2),
        ("2.1", "2", 2),
    ]
)


def scores(points: dict[str, float | None], unit: str = "A") -> pd.DataFrame:
    return pd.DataFrame({"unit": unit, "code": list(points), "points": pd.array(list(points.values()), "Float64")})


def by_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("code")


# ---------------------------------------------------------------- roll-up


def test_rollup_sums_leaves_up_to_fields_and_total():
    out = by_code(rollup(scores({"1.1.1": 1, "1.1.2": 0.5, "1.2": 0.75, "2.1": 1.5}), TREE))
    # 1.1 = 1 + 0,5 = 1,5; 1 = 1,5 + 0,75 = 2,25; 2 = 1,5; total = 2,25 + 1,5 = 3,75 of 5 = 75 %
    assert out.loc["1.1", "points"] == 1.5 and out.loc["1", "points"] == 2.25 and out.loc["2", "points"] == 1.5
    assert out.loc["total", "points"] == 3.75 and out.loc["total", "max_points"] == 5
    assert out.loc["total", "share"] == 75.0 and out.loc["total", "lost"] == 1.25  # 5 − 3,75
    assert out.loc["1.1", "lost"] == 0.5 and out.loc["1", "share"] == 75.0  # 2,25 / 3
    assert out.loc["total", "level"] == "index" and out.loc["1", "level"] == "group"


def test_rollup_ignores_written_subtotals():
    out = by_code(rollup(scores({"1": 3, "1.1": 2, "1.1.1": 1, "1.1.2": 0.5, "1.2": 0.75, "2.1": 1.5}), TREE))
    assert out.loc["1", "points"] == 2.25 and out.loc["1.1", "points"] == 1.5


def test_an_unscored_leaf_leaves_its_ancestors_without_points_but_keeps_the_scored_part():
    out = by_code(rollup(scores({"1.1.1": 1, "1.1.2": None, "1.2": 0.75, "2.1": 1.5}), TREE))
    assert pd.isna(out.loc["1.1", "points"]) and pd.isna(out.loc["1", "points"]) and pd.isna(out.loc["total", "points"])
    assert out.loc["2", "points"] == 1.5  # the other field is complete
    # scored part of the total: 1 + 0,75 + 1,5 = 3,25 of 1 + 1 + 2 = 4
    assert out.loc["total", "scored_points"] == 3.25 and out.loc["total", "scored_max"] == 4
    assert out.loc["total", "n_unscored"] == 1 and out.loc["1.1", "scored_lost"] == 0.0


def test_a_leaf_without_any_row_counts_as_unscored():
    out = by_code(rollup(scores({"1.1.1": 1, "1.1.2": 1, "2.1": 2}), TREE))
    assert pd.isna(out.loc["1", "points"]) and out.loc["1", "n_unscored"] == 1 and out.loc["2", "points"] == 2


# ---------------------------------------------------------------- which assessment counts


def test_latest_assessment_at_or_before_the_period():
    table = pd.DataFrame(
        {
            "unit": "A",
            "year": pd.array([2024] * 3 + [2023], "Int64"),
            "code": "1.1.1",
            "as_of": pd.to_datetime(["2024-03-31", "2024-06-30", None, None]).astype("datetime64[us]"),
            "self_points": pd.array([0.25, 0.5, 0.75, 1.0], "Float64"),
            "appraised_points": pd.array([None, None, None, 0.5], "Float64"),
            "evidence": pd.NA,
        }
    )
    q1 = ip.latest_scores(table, 2024, pd.Timestamp("2024-03-31"))
    q2 = ip.latest_scores(table, 2024, pd.Timestamp("2024-06-30"))
    year = ip.latest_scores(table, 2024, pd.Timestamp("2024-12-31"))  # the undated (final) one is 31/12
    assert (q1["points"].tolist(), q2["points"].tolist(), year["points"].tolist()) == ([0.25], [0.5], [0.75])
    assert q2["basis"].tolist() == ["self"]
    before = ip.latest_scores(table, 2023)
    assert before["points"].tolist() == [0.5] and before["basis"].tolist() == ["appraised"]  # appraised wins


# ---------------------------------------------------------------- status rule


@pytest.mark.parametrize(
    "lost_before, lost_now, status",
    [
        (0.5, 0.0, "recovered"),  # lost half a point in 2023, full now
        (0.5, 0.25, "still_lost"),  # lost in both years (a quarter point recovered)
        (0.0, 0.5, "newly_lost"),  # full in 2023, lost now
        (0.0, 0.0, "full"),
        (None, 0.5, "no_baseline"),  # no counterpart or no 2023 points
        (0.5, None, "no_data"),  # no points now
        (0.004, 0.0, "full"),  # below half a hundredth of a point is no loss
    ],
)
def test_status_rule(lost_before, lost_now, status):
    result = ip.status_of(pd.Series([lost_before], dtype="Float64"), pd.Series([lost_now], dtype="Float64"))
    assert result.tolist() == [status]


# 2023: 1 (3) = 1.1 (1) + 1.2 (1) + 1.3 (1); 2024: 1.3 renumbered 1.2, old 1.2 dropped, new 1.3. Field 2 same.
TREE_2023 = tree_of(
    [
        ("1", None, 3),
        ("1.1", "1", 1),
        ("1.2", "1", 1),
        ("1.3", "1", 1),
        ("2", None, 2),
        ("2.1", "2", 1),
        ("2.2", "2", 1),
    ]
)
TREE_2024 = tree_of(
    [
        ("1", None, 3),
        ("1.1", "1", 1),
        ("1.2", "1", 1),
        ("1.3", "1", 1),
        ("2", None, 2),
        ("2.1", "2", 1),
        ("2.2", "2", 1),
    ]
)
MAPPING = pd.DataFrame(
    {
        "code_from": ["1.3", "1.2", None],
        "code_to": ["1.2", None, "1.3"],
        "change": ["renumbered", "dropped", "new"],
        "note": None,
    }
)


def compared_example() -> pd.DataFrame:
    pairs = counterparts(MAPPING, TREE_2023, TREE_2024)
    links = ip.comparable_nodes(TREE_2024, TREE_2023, pairs)
    before = rollup(scores({"1.1": 0.5, "1.2": 0.0, "1.3": 0.75, "2.1": 1.0, "2.2": 0.5}), TREE_2023)
    now = rollup(scores({"1.1": 1.0, "1.2": 0.75, "1.3": 0.5, "2.1": 0.75, "2.2": 1.0}), TREE_2024)
    return by_code(ip.compare(now, before, links))


def test_year_mapping_compares_renumbered_criteria_and_names_the_rest():
    out = compared_example()
    # 1.1: 2023 0,5 (lost 0,5) -> 2024 1 (full): recovered 0,5
    assert out.loc["1.1", "status"] == "recovered" and out.loc["1.1", "recovered_points"] == 0.5
    # 2024 1.2 is 2023 1.3 (0,75, lost 0,25) -> 0,75 (lost 0,25): still lost, compared through the mapping
    assert out.loc["1.2", "code_before"] == "1.3" and out.loc["1.2", "baseline"] == 0.75
    assert out.loc["1.2", "status"] == "still_lost" and out.loc["1.2", "still_lost_points"] == 0.25
    # 2024 1.3 is new: no counterpart, not compared with 2023's 1.3
    assert pd.isna(out.loc["1.3", "code_before"]) and pd.isna(out.loc["1.3", "baseline"])
    assert out.loc["1.3", "status"] == "no_baseline"
    # 2.1: full in 2023, lost 0,25 now; 2.2: lost 0,5 in 2023, full now
    assert out.loc["2.1", "status"] == "newly_lost" and out.loc["2.2", "status"] == "recovered"


def test_parents_follow_their_leaves_and_flag_changed_content():
    out = compared_example()
    # field 1: a leaf still lost (1.2) -> still_lost; recovered 0,5 (1.1); lost 0,5 on the new 1.3
    assert out.loc["1", "status"] == "still_lost" and out.loc["1", "recovered_points"] == 0.5
    assert out.loc["1", "unmatched_lost_points"] == 0.5 and not out.loc["1", "comparable"]
    # field 2: newly lost 0,25 (2.1), recovered 0,5 (2.2), nothing still lost -> newly_lost; same content
    assert out.loc["2", "status"] == "newly_lost" and bool(out.loc["2", "comparable"])
    assert out.loc["2", "baseline"] == 1.5 and out.loc["2", "points"] == 1.75
    # total: 2023 0,5 + 0 + 0,75 + 1 + 0,5 = 2,75; 2024 1 + 0,75 + 0,5 + 0,75 + 1 = 4
    assert out.loc["total", "baseline"] == 2.75 and out.loc["total", "points"] == 4.0
    assert out.loc["total", "status"] == "still_lost" and out.loc["total", "recovered_points"] == 1.0


@pytest.mark.parametrize(
    "leaf_status, expected",
    [
        ({"recovered_points": 0.5}, "recovered"),
        ({}, "full"),
        ({"unmatched_lost_points": 0.5}, "no_baseline"),
        ({"newly_lost_points": 0.25, "recovered_points": 1}, "newly_lost"),
        ({"still_lost_points": 0.25, "newly_lost_points": 1}, "still_lost"),
        ({"n_based": 0}, "no_baseline"),
    ],
)
def test_parent_status_order(leaf_status, expected):
    moved = pd.DataFrame(
        {
            "recovered_points": [0.0],
            "still_lost_points": [0.0],
            "newly_lost_points": [0.0],
            "unmatched_lost_points": [0.0],
            "n_based": [3],
        }
    )
    for column, value in leaf_status.items():
        moved[column] = [value]
    assert ip.parent_status(pd.Series([4.0]), moved).tolist() == [expected]
    assert ip.parent_status(pd.Series([None], dtype="Float64"), moved).tolist() == ["no_data"]


def test_long_rows_follow_the_shared_format():
    out = compared_example().reset_index()
    out["basis"], out["as_of"] = "self", pd.Timestamp("2024-03-31")
    owners = pd.Series({"1": "Công chức Văn phòng – Thống kê", "1.1": "Công chức Văn phòng – Thống kê"})
    rows = ip.long_rows(out, "2024Q1", 2023, owners, BANDS)
    assert list(rows.columns) == LONG_COLUMNS and len(rows) == 8  # total, 2 fields, 5 criteria
    rows = rows.set_index("code")
    total = rows.loc["total"]
    # 4 of 5 = 80 % -> Tốt; change 4 − 2,75 = 1,25 points
    assert (total["index"], total["level"], total["measure"], total["value"]) == ("par", "index", "percent", 80.0)
    assert (total["points"], total["baseline"], total["change_vs_baseline"]) == (4.0, 2.75, 1.25)
    assert total["baseline_period"] == "2023" and total["note"].startswith("xếp loại Tốt; điểm tự đánh giá đến 31/03")
    assert rows.loc["1.1", "owner"] == "Công chức Văn phòng – Thống kê" and pd.isna(rows.loc["2.1", "owner"])
    assert rows.loc["1.2", "note"] == "năm 2023 là mã 1.3; vẫn mất 0,25 điểm"
    assert rows.loc["1.3", "note"] == "không có tiêu chí tương ứng năm 2023"
    assert rows.loc["1.1", "level"] == "criterion" and rows.loc["1", "level"] == "group"


def test_units_without_points_get_a_no_data_row_not_zero():
    rows = ip.no_data_rows(["Phường 1"], "2024Q1", 2023)
    assert rows["status"].tolist() == ["no_data"] and rows["value"].isna().all() and rows["points"].isna().all()


# ---------------------------------------------------------------- ratings and QĐ 2729


@pytest.mark.parametrize(
    "ratio, rating",
    [(80.0, "Tốt"), (79.99, "Khá"), (79.996, "Tốt"), (60.0, "Khá"), (59.99, "Kém"), (0.0, "Kém"), (None, None)],
)
def test_rating_bands_on_the_published_two_decimal_ratio(ratio, rating):
    result = ip.rating(pd.Series([ratio], dtype="Float64"), BANDS).tolist()[0]
    assert (pd.isna(result) and rating is None) or result == rating


def test_four_bands_work_when_the_city_uses_trung_binh():
    bands = pd.DataFrame({"rating": ["Tốt", "Khá", "Trung bình", "Kém"], "min_percent": [80.0, 70.0, 60.0, 0.0]})
    assert ip.rating(pd.Series([85, 75, 65, 55], dtype="Float64"), bands).tolist() == [
        "Tốt",
        "Khá",
        "Trung bình",
        "Kém",
    ]


def test_qd_2729_ratios_ranks_and_ratings():
    published = pd.read_csv(REFERENCE / "tay-ninh-cchc-2023-qd2729.csv")
    out = views.province_ranking(published, read_ratings())
    ratio = out.set_index("unit")["ratio"]
    assert ratio["Văn phòng UBND tỉnh"] == 96.85  # 69,25 / 71,5 = 0,968531... -> 96,85 %
    assert ratio["Sở Văn hóa, Thể thao và Du lịch"] == 86.62  # 83,59 / 96,5 = 0,866217... -> 86,62 %
    districts = out[out["unit_type"] == "district"].set_index("unit")
    city = districts.loc["UBND thành phố Tây Ninh"]
    assert (city["ratio"], city["rank"], city["rating"]) == (86.98, 3, "Tốt")  # 86,98 / 100; 3rd of 6 listed
    assert len(districts) == 6
    # every computed ratio equals the ratio the province published, every published rating its band
    scored = out.dropna(subset=["points"])
    assert (scored["ratio"] - scored["published_ratio"]).abs().max() < 1e-9
    rated = out.dropna(subset=["published_rating"])
    assert (rated["rating"] == rated["published_rating"]).all() and len(rated) == 20  # 19 departments + the city
    assert (out["rank"] == out["published_rank"]).all()


def test_wards_ranked_by_ratio_with_ties_sharing_a_rank():
    totals = pd.DataFrame(
        {"unit": ["A", "B", "C", "D"], "points": [86.0, 90.0, 86.0, None], "max_points": [100.0, 100.0, 100.0, 100.0]}
    )
    out = views.ranking(totals, BANDS).set_index("unit")
    assert out["rank"].tolist()[:3] == [1, 2, 2] and out.loc["B", "rank"] == 1 and pd.isna(out.loc["D", "rank"])


# ---------------------------------------------------------------- views


def test_pareto_orders_lost_points_and_marks_the_vital_few():
    compared = pd.DataFrame(
        {
            "code": ["1.1", "1.2", "2.1", "2.2", "2.3"],
            "name": list("abcde"),
            "level": "criterion",
            "owner": "X",
            "status": "still_lost",
            "max_points": 2.0,
            "scored_lost": [0.25, 1.0, 0.5, 0.25, 0.0],
        }
    )
    out = views.pareto(compared)
    # lost 1 + 0,5 + 0,25 + 0,25 = 2: cumulative 50 %, 75 %, 87,5 %, 100 %; 80 % is reached by the third
    assert out["code"].tolist() == ["1.2", "2.1", "1.1", "2.2"]
    assert out["cum_share"].tolist() == [50.0, 75.0, 87.5, 100.0]
    assert out["vital"].tolist() == [True, True, True, False]


def test_self_assessment_gap_per_field_and_total():
    frame = pd.DataFrame(
        {
            "unit": "A",
            "code": ["1.1.1", "1.1.2", "1.2", "2.1"],
            "self_points": pd.array([1, 1, 1, None], "Float64"),
            "appraised_points": pd.array([1, 0.5, 0.25, 1.5], "Float64"),
        }
    )
    out = by_code(views.self_gap(frame, TREE))
    # 2.1 has no self-assessed points: compared on the three others. self 3, appraised 1,75, gap 1,25
    assert (out.loc["total", "self"], out.loc["total", "appraised"], out.loc["total", "gap"]) == (3.0, 1.75, 1.25)
    assert out.loc["total", "n_compared"] == 3 and "2" not in out.index
    assert out.loc["1.2", "gap"] == 0.75 and out.loc["1.1.1", "gap"] == 0.0


def test_points_at_stake_per_owner():
    compared = pd.DataFrame(
        {
            "code": ["1.1", "1.2", "2.1", "1"],
            "is_leaf": [True, True, True, False],
            "owner": ["X", "X", None, "X"],
            "scored_lost": [0.5, 0.25, 1.0, 0.75],
            "lost_before": [1.0, 0.0, 1.0, 1.0],
            "recovered_points": [0.5, 0.0, 0.0, 0.5],
            "still_lost_points": [0.5, 0.0, 1.0, 0.5],
            "newly_lost_points": [0.0, 0.25, 0.0, 0.25],
        }
    )
    out = views.owner_stakes(compared).set_index("owner")
    # X: leaves 1.1 and 1.2: lost now 0,5 + 0,25 = 0,75, two leaves losing; 2023 1 + 0 = 1
    assert (out.loc["X", "lost_now"], out.loc["X", "losing"], out.loc["X", "lost_before"]) == (0.75, 2, 1.0)
    assert out.loc["Chưa phân công", "lost_now"] == 1.0 and out.index[0] == "Chưa phân công"
