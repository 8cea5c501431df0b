"""collect.plan wiring: which projection each targeted row gets, its deadline, and the year-end verdict."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.collect import plan
from analysis.indicators.long import long_frame
from analysis.indicators.verdicts import project_rows, verdicts
from analysis.reference import plan as reference_plan


def test_project_rows_uses_the_year_to_date_figures_and_the_plans_deadlines():
    period = [  # the quarter's rows (what indicators.csv shows for 2024Q2)
        {"unit": "A", "index": "service", "code": "2.1", "value": 95, "n": 25, "target": 100, "measure": "percent"},
        {"unit": "A", "index": "service", "code": "2.1.late", "value": 1, "target": 0, "measure": "count"},
        {"unit": "A", "index": "service", "code": "06a.3", "value": 40, "measure": "count"},
    ]
    ytd = [  # 1 January – 30 June
        {"unit": "A", "index": "service", "code": "2.1", "value": 90, "n": 50},
        {"unit": "A", "index": "service", "code": "2.1.late", "value": 3},
        {"unit": "A", "index": "service", "code": "06a.3", "value": 70},
    ]
    out = project_rows(long_frame(period), long_frame(ytd), date(2024, 6, 30), plan.KINDS, plan.deadlines()).set_index(
        "code"
    )
    f = 182 / 366
    assert out.loc["2.1", "projected"] == pytest.approx(90)  # the year-to-date share, not the quarter's 95
    assert out.loc["2.1", "projected_low"] == pytest.approx(100 * (f * 0.9 + (1 - f) * 0.786398), abs=1e-3)
    assert out.loc["2.1.late", "projected"] == pytest.approx(3 / f)
    assert str(out.loc["06a.3", "projected"]) == "<NA>"  # no target, no projection
    assert out.loc["2.1", "deadline"] == "Trong năm 2024; Hằng ngày"  # tasks II.1.1.a and II.1.2.e
    found = verdicts(out.reset_index(), reference_plan.comparisons()).tolist()
    assert found[:2] == ["off_track", "off_track"]  # 100 % is out of reach; 3 late dossiers already
