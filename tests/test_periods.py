from datetime import date

import pytest

from analysis.periods import Period, PeriodError


@pytest.mark.parametrize(
    "label, first, last, vi",
    [
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), "Quý I/2024"),
        ("2024q4", date(2024, 10, 1), date(2024, 12, 31), "Quý IV/2024"),
        ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30), "Quý II/2024"),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), "Năm 2024"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "Tháng 02/2024"),  # leap year
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28), "Tháng 02/2023"),
    ],
)
def test_period_bounds(label, first, last, vi):
    period = Period.parse(label)
    assert (period.first, period.last, period.label_vi) == (first, last, vi)


def test_baseline_is_same_quarter_of_2023():
    assert Period.parse("2024Q3").in_year(2023).label == "2023Q3"
    assert [m.label for m in Period.parse("2024Q2").months()] == ["2024-04", "2024-05", "2024-06"]


@pytest.mark.parametrize("bad", ["2024Q5", "Q1", "24Q1", "2024-13", ""])
def test_bad_period_is_refused_with_its_text(bad):
    with pytest.raises(PeriodError, match="period"):
        Period.parse(bad)
