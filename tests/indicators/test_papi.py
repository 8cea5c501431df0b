"""PAPI analysis: rank and quartile rules on a hand-made table, then the published figures of the real file."""

import statistics

import pandas as pd
import pytest

from analysis.indicators import papi
from analysis.reference import plan
from analysis.reference.papi_official import read_official

DIMS = papi.DIMENSIONS


def official_frame(rows: list[dict]) -> pd.DataFrame:
    """A frame shaped like read_official's: province, region, year, D1…D8, total, n_expected."""
    frame = pd.DataFrame(rows)
    for code in [*DIMS, "total"]:
        values = frame[code] if code in frame else pd.Series(None, index=frame.index, dtype="float64")
        frame[code] = pd.to_numeric(values, errors="coerce").astype("Float64")
    frame["n_expected"] = (frame["year"] >= 2018).map({True: 8, False: 6}).astype("int64")
    return frame.astype({"province": "string", "region": "string"})


# Eight provinces, totals only, one year. Descending: A 50, B 48, C 45, D 45, E 42, F 40, G 38, H 35.
EIGHT = official_frame(
    [
        {"province": p, "region": region, "year": 2023, "total": t}
        for p, region, t in [
            ("A", "Vùng 1", 50),
            ("B", "Vùng 2", 48),
            ("C", "Vùng 1", 45),
            ("D", "Vùng 2", 45),
            ("E", "Vùng 1", 42),
            ("F", "Vùng 2", 40),
            ("G", "Vùng 1", 38),
            ("H", "Vùng 2", 35),
        ]
    ]
)


@pytest.fixture(scope="module")
def eight():
    return papi.standings(papi.scores_long(EIGHT)).set_index("province")


@pytest.mark.parametrize(
    "n, sizes",
    [
        (63, (16, 16, 15, 16)),  # bounds 15.75 -> 16, 31.5 -> 32, 47.25 -> 47: the published 16/16/15/16
        (61, (15, 16, 15, 15)),  # bounds 15.25 -> 15, 30.5 -> 31 (half up), 45.75 -> 46
    ],
)
def test_group_sizes_end_at_the_rounded_quarters(n, sizes):
    frame = official_frame(
        [{"province": f"P{i:02d}", "region": "R", "year": 2020, "total": 80 - i * 0.5} for i in range(n)]
    )
    groups = papi.standings(papi.scores_long(frame))["group_vi"].value_counts()
    assert groups.to_dict() == dict(zip(("Cao", "Trung bình cao", "Trung bình thấp", "Thấp"), sizes))


def test_ranks_ties_share_the_better_rank(eight):
    assert eight["rank"].to_dict() == {"A": 1, "B": 2, "C": 3, "D": 3, "E": 5, "F": 6, "G": 7, "H": 8}
    assert (eight["n_scored"] == 8).all()


def test_quartile_groups_of_eight(eight):
    # bounds 2, 4, 6: ranks 1-2 Cao, 3-4 Trung bình cao, 5-6 Trung bình thấp, 7-8 Thấp
    assert eight["group_vi"].to_dict() == {
        "A": "Cao",
        "B": "Cao",
        "C": "Trung bình cao",
        "D": "Trung bình cao",
        "E": "Trung bình thấp",
        "F": "Trung bình thấp",
        "G": "Thấp",
        "H": "Thấp",
    }


def test_points_to_the_next_group(eight):
    # lowest scores: Cao 48 (B), Trung bình cao 45 (C, D), Trung bình thấp 40 (F)
    assert pd.isna(eight.loc["A", "points_to_next_group"])  # already in the top group
    assert eight.loc["C", "points_to_next_group"] == 3  # 48 − 45
    assert eight.loc["E", "points_to_next_group"] == 3  # 45 − 42
    assert eight.loc["F", "points_to_next_group"] == 5  # 45 − 40
    assert eight.loc["G", "points_to_next_group"] == 2  # 40 − 38
    assert eight.loc["H", "points_to_next_group"] == 5  # 40 − 35


def test_national_statistics(eight):
    # ascending 35 38 40 42 45 45 48 50: median (42 + 45) / 2 = 43.5;
    # P25 at position 7 × 0.25 = 1.75: 38 + 0.75 × (40 − 38) = 39.5; P75 at 5.25: 45 + 0.25 × (48 − 45) = 45.75
    row = eight.loc["E"]
    assert (row["median"], row["p25"], row["p75"]) == (43.5, 39.5, 45.75)
    assert (row["best"], row["best_province"]) == (50, "A")


def test_gaps_of_a_province(eight):
    profile = papi.province_profile(eight.reset_index(), "E", 2023).set_index("code")
    # E = 42: to the median 42 − 43.5 = −1.5, P25 +2.5, P75 −3.75, best −8
    assert profile.loc["total", ["gap_median", "gap_p25", "gap_p75", "gap_best"]].tolist() == [-1.5, 2.5, -3.75, -8]


def test_region_view(eight):
    peers = papi.region_view(eight.reset_index(), "E", 2023).set_index("province")
    assert sorted(peers.index) == ["A", "C", "E", "G"]  # Vùng 1
    # focus − other: 42 − 50, 42 − 45, 0, 42 − 38
    assert peers["gap_from_focus"].to_dict() == {"A": -8, "C": -3, "E": 0, "G": 4}


def test_target_rules(eight):
    profile = papi.province_profile(eight.reset_index(), "E", 2023)
    assert papi.target_values(profile, "median")["total"] == 43.5
    assert papi.target_values(profile, "p75")["total"] == 45.75
    assert papi.target_values(profile, "next_group")["total"] == 45  # lowest of Trung bình cao
    top = papi.province_profile(eight.reset_index(), "A", 2023)
    assert papi.target_values(top, "next_group")["total"] == 48  # Cao: its own group's lowest


def test_unscored_provinces_are_left_out_of_ranks_and_statistics():
    frame = official_frame(
        [
            {"province": "A", "region": "R", "year": 2023, "D1": 6.0},
            {"province": "B", "region": "R", "year": 2023, "D1": 4.0},
            {"province": "C", "region": "R", "year": 2023, "D1": None},
        ]
    )
    standing = papi.standings(papi.scores_long(frame))
    d1 = standing[standing["code"] == "D1"].set_index("province")
    assert sorted(d1.index) == ["A", "B"] and (d1["n_scored"] == 2).all()
    assert d1.loc["B", "median"] == 5.0  # (6 + 4) / 2, C not counted as 0


def test_six_dimension_total_is_never_compared_with_an_eight_dimension_total():
    rows = [
        {"province": "X", "region": "R", "year": 2017, "total": 37.0, **{c: 6.0 for c in DIMS[:6]}},
        {"province": "X", "region": "R", "year": 2018, "total": 44.0, **{c: 5.5 for c in DIMS}},
        {"province": "X", "region": "R", "year": 2019, "total": 42.0, **{c: 5.25 for c in DIMS}},
    ]
    profile = papi.province_profile(papi.standings(papi.scores_long(official_frame(rows))), "X", 2019)
    total = profile[profile["code"] == "total"].set_index("year")
    assert pd.isna(total.loc[2018, "change_prev"]) and not total.loc[2018, "prev_comparable"]
    assert total.loc[2019, "change_prev"] == -2.0  # 42 − 44, both 8 dimensions
    assert pd.isna(total.loc[2017, "change_baseline"]) and not total.loc[2017, "baseline_comparable"]
    d1 = profile[profile["code"] == "D1"].set_index("year")
    assert d1.loc[2018, "change_prev"] == -0.5  # a dimension is on the same 1–10 scale in both periods


def test_status_from_target_and_baseline():
    # Two provinces so the median is known: 2024 median of D1 = (5 + 7) / 2 = 6.
    rows = [
        {"province": p, "region": "R", "year": year, "D1": d1}
        for p, year, d1 in [("X", 2023, 5.5), ("Y", 2023, 7), ("X", 2024, 5.0), ("Y", 2024, 7)]
    ]
    standing = papi.standings(papi.scores_long(official_frame(rows)))
    profile = papi.province_profile(standing, "X", 2023)
    out = papi.long_rows(
        profile,
        province="X",
        latest=2024,
        baseline_year=2023,
        rule="median",
        names={},
        owners={},
        period_label="2024Q2",
    ).set_index("code")
    # 5.0 < 6 and 5.0 < 5.5 (2023): worse; the gap to target 6 − 5 = 1
    assert out.loc["D1", "status"] == "worse" and out.loc["D1", "gap_to_target"] == 1.0
    assert out.loc["D1", "change_vs_baseline"] == -0.5
    assert out.loc["D2", "status"] == "no_data" and pd.isna(out.loc["D2", "value"])


def test_latest_year_is_the_latest_published_not_after_the_period():
    years = list(range(2011, 2025))
    assert papi.latest_year(years, 2024) == 2024
    assert papi.latest_year(years, 2030) == 2024
    assert papi.latest_year(years, 2015) == 2015
    assert papi.latest_year(years, 2010) is None


def test_sub_dimension_ranks_need_every_province(eight):
    sub_scores = pd.DataFrame(
        {
            "province": ["A"],
            "region": ["Vùng 1"],
            "year": [2023],
            "code": ["D1.1"],
            "value": pd.array([1.2], dtype="Float64"),
            "scale_dims": [1],
        }
    )
    rows = [{"province": p, "region": "R", "year": 2023, "D1": 5.0 + i} for i, p in enumerate("AB")]
    standing = papi.standings(papi.scores_long(official_frame(rows)))
    masked = papi.mask_incomplete(papi.standings(sub_scores), standing, {"D1.1": "D1"})
    # 1 province in the sub-dimension file, 2 scored on D1: no rank, no national median
    assert not masked["complete"].iloc[0]
    assert pd.isna(masked["rank"].iloc[0]) and pd.isna(masked["median"].iloc[0])
    assert masked["value"].iloc[0] == 1.2


# ---------------------------------------------------------------- the real file


@pytest.fixture(scope="module")
def real():
    official = read_official()
    standing = papi.standings(papi.scores_long(official))
    return official, standing, papi.province_profile(standing, "Tây Ninh", 2023)


def test_tay_ninh_2023_published_figures(real):
    official, _, profile = real
    now = profile[profile["year"] == 2023].set_index("code")
    assert round(float(now.loc["total", "value"]), 4) == 39.2364
    assert round(float(now.loc["D1", "value"]), 4) == 3.9292
    assert (now.loc["total", "rank"], now.loc["total", "n_scored"]) == (60, 61)
    assert round(float(now.loc["total", "median"]), 4) == 42.3265  # the press's "national average"
    assert now.loc["total", "group_vi"] == "Thấp"  # ranks 47-61 with 61 provinces
    # independently: the 46th highest 2023 total is the lowest of "Trung bình thấp" (bounds 15, 31, 46)
    totals = sorted(
        official.loc[(official["year"] == 2023) & official["total"].notna(), "total"].astype(float), reverse=True
    )
    assert len(totals) == 61 and statistics.median(totals) == pytest.approx(42.32653, abs=1e-5)
    assert float(now.loc["total", "points_to_next_group"]) == pytest.approx(totals[45] - 39.236355, abs=1e-6)


def test_tay_ninh_2024_is_second(real):
    _, _, profile = real
    now = profile[profile["year"] == 2024].set_index("code")
    assert round(float(now.loc["total", "value"]), 3) == 47.345
    assert (now.loc["total", "rank"], now.loc["total", "group_vi"]) == (2, "Cao")
    assert now.loc["total", "best_province"] == "Quảng Ninh"
    # change since 2023: 47.345245 − 39.236355 = 8.10889
    assert float(now.loc["total", "change_baseline"]) == pytest.approx(8.10889, abs=1e-5)


def test_tay_ninh_2018_total_not_compared_with_2017(real):
    _, _, profile = real
    total = profile[profile["code"] == "total"].set_index("year")
    assert pd.isna(total.loc[2018, "change_prev"])
    assert float(total.loc[2019, "change_prev"]) == pytest.approx(42.382940 - 43.583640, abs=1e-5)


def test_long_rows_for_2024q1(real):
    _, standing, profile = real
    subs = {f"D6.{i}": "D6" for i in range(1, 5)}
    owners = plan.owners("papi")
    out = papi.long_rows(
        profile,
        province="Tây Ninh",
        latest=2024,
        baseline_year=2023,
        rule="median",
        names={"total": "Tổng điểm PAPI"},
        owners=owners,
        period_label="2024Q1",
        sub_parents=subs,
    )
    assert out["code"].tolist() == ["total", *DIMS, *subs]
    assert set(out["index"]) == {"papi"} and set(out["unit"]) == {"Tây Ninh"}
    assert set(out["period"]) == {"2024"} and set(out["baseline_period"]) == {"2023"}
    rows = out.set_index("code")
    total = rows.loc["total"]
    totals_2024 = standing[(standing["year"] == 2024) & (standing["code"] == "total")]["value"].astype(float)
    median_2024 = statistics.median(totals_2024.tolist())
    assert (total["value"], total["baseline"]) == (pytest.approx(47.345245), pytest.approx(39.236355))
    assert total["target"] == pytest.approx(median_2024)
    assert total["gap_to_target"] == pytest.approx(median_2024 - 47.345245)
    # 47.35 >= the national median: a benchmark the project chose, not a plan target
    assert total["status"] == "above_median" and total["measure"] == "score_8_80" and total["level"] == "index"
    assert rows.loc["D1", "measure"] == "score_1_10" and rows.loc["D1", "level"] == "dimension"
    assert rows.loc["D1", "owner"] == "Công chức Văn hóa – Xã hội; Trạm truyền thanh phường"  # plan II.2.1
    # sub-dimensions without scores: no_data, never a number, owner inherited from D6
    assert rows.loc["D6.2", "status"] == "no_data" and pd.isna(rows.loc["D6.2", "value"])
    assert rows.loc["D6.2", "owner"] == owners["D6"] and rows.loc["D6.2", "level"] == "subdimension"
    assert "hạng 2/61, nhóm Cao" in total["note"] and "PAPI 2024" in total["note"]


def test_long_rows_of_a_six_dimension_year(real):
    _, _, profile = real
    out = papi.long_rows(
        profile,
        province="Tây Ninh",
        latest=2016,
        baseline_year=2023,
        rule="median",
        names={},
        owners={},
        period_label="2016",
    ).set_index("code")
    assert out.loc["total", "measure"] == "score_6_60"
    assert pd.isna(out.loc["total", "baseline"])  # 2023 is not known in 2016, and not comparable anyway
    assert papi.NOT_COMPARABLE_VI in out.loc["total", "note"]
    assert out.loc["D7", "status"] == "no_data"  # D7 begins in 2018


def test_weakest_and_moved_most_2024(real):
    official, _, profile = real
    year = official[official["year"] == 2024]
    mine = year[year["province"] == "Tây Ninh"].iloc[0]
    # rank = 1 + number of provinces scoring higher, counted directly on the file
    ranks = {code: 1 + int((year[code].astype(float) > float(mine[code])).sum()) for code in DIMS}
    worst_three = sorted(ranks, key=lambda code: -ranks[code])[:3]
    assert worst_three == ["D6", "D1", "D7"]  # ranks 18, 17, 12
    assert papi.weakest(profile, 2024)["code"].tolist() == worst_three
    moved = papi.moved_most(profile, 2024)
    # D2 4.377041 -> 6.125820 = +1.748779, the largest change since 2023
    assert moved["code"].iloc[0] == "D2"
    assert float(moved["change_baseline"].iloc[0]) == pytest.approx(6.125820 - 4.377041, abs=1e-5)


def test_as_of_drops_later_years_and_an_unpublished_baseline(real):
    _, _, profile = real
    in_2021 = papi.as_of(profile, 2021, 2023)
    assert in_2021["year"].max() == 2021
    assert in_2021["value_base"].isna().all() and in_2021["change_baseline"].isna().all()  # 2023 not yet known
    in_2024 = papi.as_of(profile, 2024, 2023)
    assert len(in_2024) == len(profile) and in_2024["value_base"].notna().any()
    assert papi.as_of(profile, None, 2023).empty
