"""The city overview picks from the long rows; checked on a hand-made frame."""
import pandas as pd

from analysis.indicators.long import long_frame
from analysis.report import overview


def _rows():
    return long_frame([
        # Ninh Thạnh: late for the citizen = 06a.10 + 06a.13 = 5 + 2 = 7 (2023: 10 + 1 = 11) -> fewer: improving
        {"unit": "Ninh Thạnh", "index": "service", "code": "06a.10", "value": 5, "baseline": 10, "target": 0},
        {"unit": "Ninh Thạnh", "index": "service", "code": "06a.13", "value": 2, "baseline": 1, "target": 0},
        {"unit": "Ninh Thạnh", "index": "service", "code": "2.1", "value": 97.25, "baseline": 93.0, "target": 100,
         "status": "improving"},
        {"unit": "Ninh Thạnh", "index": "service", "code": "3.3", "value": 85.0, "target": 80, "status": "met"},
        {"unit": "Ninh Thạnh", "index": "service", "code": "4.2", "value": None, "target": 90, "status": "no_data"},
        # a SIPAS criterion has a target too, but it is not one of the plan's: not counted in "met"
        {"unit": "Ninh Thạnh", "index": "sipas", "code": "E1.1", "value": 99.0, "target": 95, "status": "met"},
        {"unit": "Ninh Thạnh", "index": "par", "code": "total", "value": 94.0, "points": 67.21, "max_points": 71.5,
         "baseline": 60.5, "status": "still_lost"},
        # Phường 1: only 06a.10 -> the sum is unknown, not 3
        {"unit": "Phường 1", "index": "service", "code": "06a.10", "value": 3, "baseline": 4, "target": 0},
    ])


TARGETS = pd.DataFrame({"index": ["service", "service", "service", "service"],
                        "code": ["2.1", "3.3", "4.2", "06a.10"]})


def test_late_for_the_citizen_is_the_sum_of_the_two_counts_or_unknown():
    late = overview.late_for_citizen(_rows()).set_index("unit")
    assert (late.loc["Ninh Thạnh", "value"], late.loc["Ninh Thạnh", "baseline"]) == (7, 11)
    assert pd.isna(late.loc["Phường 1", "value"])


def test_targets_met_counts_only_the_plans_targets_with_a_value():
    met = overview.targets_met(_rows(), TARGETS).set_index("unit")
    # Ninh Thạnh judged: 2.1 (not met), 3.3 (met), 06a.10 (5 > 0, not met); 4.2 has no value; E1.1 not a plan target
    assert (met.loc["Ninh Thạnh", "met"], met.loc["Ninh Thạnh", "judged"]) == (1, 3)


def test_units_table_cells():
    table = overview.units_table(_rows(), TARGETS).set_index("unit")
    assert len(table) == 10  # every unit of units.csv, with or without data
    ninh = table.loc["Ninh Thạnh"]
    assert ninh["late"].startswith("7 (2023: 11)") and "Cải thiện" in ninh["late"]
    assert ninh["2.1"].startswith("97,3 % (2023: 93,0 %)")
    assert ninh["4.2"] == "không có dữ liệu"
    assert ninh["total"].startswith("67,21 (2023: 60,50)")  # PAR in points, like its 2023 baseline
    assert ninh["met"] == "1/3"
    assert table.loc["Phường 1", "late"] == "không có dữ liệu"
    assert table.loc["Thạnh Tân", "met"] == "không có dữ liệu"
