"""The city page's ranking counts "targets met" the one way every report does (long.targets_summary)."""

from __future__ import annotations

import pandas as pd

from analysis.indicators.verdicts import ranking
from analysis.reference import plan as reference_plan
from analysis.reference.units import Unit


def test_ranking_counts_only_the_counted_targets_and_ranks_on_track_first(own_reference):
    (own_reference / "plan" / "targets.csv").write_text(
        "index,code,target,comparison,plan_section,plan_text,counted\n"
        "service,2.1,100,>=,II.1.2,đúng hạn,1\n"
        "service,2.1.late,0,<=,II.1.2,đúng hạn (số hồ sơ),0\n"
        "service,3.3,80,>,II.1.2,trực tuyến,1\n",
        encoding="utf-8",
    )
    rows = pd.DataFrame(
        {
            "unit": ["A", "A", "A", "B", "B", "B", "A", "B"],
            "index": ["service"] * 6 + ["plan", "plan"],
            "code": ["2.1", "2.1.late", "3.3", "2.1", "2.1.late", "3.3", "II.1.1.a", "II.1.1.a"],
            "status": ["met", "met", "worse", "improving", "worse", "met", "overdue", "done"],
            "value": [100.0, 0.0, 70.0, 97.0, 3.0, 85.0, None, None],
        }
    )
    targeted = rows[rows["index"] == "service"].assign(
        verdict=["on_track", "on_track", "off_track", "off_track", "off_track", "on_track"]
    )
    units = [Unit("A", "phường", "Phường A"), Unit("B", "phường", "Phường B")]
    table = ranking(targeted, rows, units, reference_plan.targets()).set_index("unit")
    # A meets 2.1 (counted) and 2.1.late (not counted): 1 of 2; B meets 3.3: 1 of 2 — never "2/3" for A.
    assert table.loc["A", ["met", "judged"]].tolist() == [1, 2]
    assert table.loc["B", ["met", "judged"]].tolist() == [1, 2]
    assert table.loc["A", "rank"] == 1 and table.loc["A", "overdue"] == 1 and table.loc["B", "overdue"] == 0
