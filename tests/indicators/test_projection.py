"""Year-end projections and the on-track rule on hand-made quarterly series, worked out by hand.

z = 1.959964, z² = 3.841459. Poisson score interval of a rate with x cases: x + z²/2 ± z·√(x + z²/4).
Wilson for 45/50: centre (0.9 + z²/100)/(1 + z²/50) = 0.871465, half-width 0.085063 -> [0.786398, 0.956524].
"""

from __future__ import annotations

from datetime import date

import pytest

from analysis.indicators import projection as pr


def test_year_fraction_counts_days_of_the_leap_year():
    assert pr.year_fraction(date(2024, 3, 31)) == pytest.approx(91 / 366)
    assert pr.year_fraction(date(2024, 6, 30)) == pytest.approx(182 / 366)
    assert pr.year_fraction(date(2023, 12, 31)) == 1.0


def test_late_dossiers_q1_three_then_extrapolated_with_a_poisson_interval():
    # quarterly late counts 3 (Q1) -> f = 1/4 for the arithmetic: 3 / 0.25 = 12 at year end;
    # rate interval 3 + 1.920729 ∓ 1.959964·√3.960365 = [1.020271, 8.821188]; rest of year = 3 × those.
    p = pr.project_count(3, 0.25)
    assert p.value == pytest.approx(12)
    assert (p.low, p.high) == (pytest.approx(3 + 3 * 1.020271, abs=1e-4), pytest.approx(3 + 3 * 8.821188, abs=1e-4))
    assert pr.verdict(p, 0, "<=") == "off_track"  # one late dossier and "không có hồ sơ trễ hạn" is lost


def test_no_case_yet_is_at_risk_until_the_year_is_over():
    half = pr.project_count(0, 0.5)  # [0, z²·(1 − f)/f] = [0, 3.841459]
    assert (half.value, half.low) == (0, 0) and half.high == pytest.approx(3.841459, abs=1e-5)
    assert pr.verdict(half, 0, "<=") == "at_risk"
    full = pr.project_count(0, 1.0)
    assert (full.low, full.high) == (0, 0) and pr.verdict(full, 0, "<=") == "on_track"


def test_on_time_share_from_quarters_20_of_25_and_25_of_25():
    # year to date at 30/06/2024: 45 of 50 = 90 %; census: f·0.9 + (1 − f)·Wilson, f = 182/366
    f = pr.year_fraction(date(2024, 6, 30))
    quarters = [(20, 25), (25, 25)]
    s, n = sum(q[0] for q in quarters), sum(q[1] for q in quarters)
    p = pr.project_share(s, n, f)
    assert p.value == pytest.approx(90)
    assert p.low == pytest.approx(100 * (0.497268 * 0.9 + 0.502732 * 0.786398), abs=1e-3)  # 84.289
    assert p.high == pytest.approx(100 * (0.497268 * 0.9 + 0.502732 * 0.956524), abs=1e-3)  # 92.842
    assert pr.verdict(p, 80, ">") == "on_track"
    assert pr.verdict(p, 90, ">") == "at_risk"  # 84.3 misses "trên 90", 92.8 meets it
    assert pr.verdict(p, 95, ">") == "off_track"


def test_a_survey_share_keeps_the_whole_wilson_interval_and_a_census_closes_at_year_end():
    survey = pr.project("survey_share", 90, 50, 1.0)
    assert (survey.low, survey.high) == (pytest.approx(78.63977, abs=1e-4), pytest.approx(95.65242, abs=1e-4))
    assert pr.verdict(survey, 80, ">") == "at_risk"
    census = pr.project("share", 90, 50, 1.0)
    assert census.low == pytest.approx(90) and census.high == pytest.approx(90)


def test_a_stock_is_not_extrapolated_and_missing_is_no_data():
    assert pr.project("stock", 4, None, 0.25) == pr.Projection(4, 4, 4)
    assert pr.verdict(pr.project("count", None, None, 0.5), 0, "<=") == "no_data"
    assert pr.verdict(pr.project("share", 50, 0, 0.5), 80, ">") == "no_data"


def test_many_rows_at_once_equal_each_row_alone():
    # every kind, a missing value, a missing n and a kind that projects nothing ("") in one call
    f = pr.year_fraction(date(2024, 6, 30))
    rows = [
        ("count", 3, None),
        ("share", 90, 50),
        ("survey_share", 90, 50),
        ("stock", 4, None),
        ("count", None, None),
        ("share", 80, None),
        ("", 5, 5),
    ]
    value, low, high = pr.projections([k for k, _, _ in rows], [v for _, v, _ in rows], [n for _, _, n in rows], f)
    for i, (kind, v, n) in enumerate(rows):
        alone = pr.project(kind, v, n, f) if kind else pr.NONE
        got = [None if x != x else float(x) for x in (value[i], low[i], high[i])]
        assert got == [alone.value, alone.low, alone.high]
    assert value[0] == pytest.approx(3 / f) and value[3] == low[3] == high[3] == 4
