"""The city overview picks from the long rows; checked on a hand-made frame."""

import pandas as pd

from analysis.indicators.long import long_frame, targets_summary
from analysis.report import overview


def _rows():
    return long_frame(
        [
            # Ninh Thạnh: late for the citizen is the service index's own row (7, 2023: 11), judged on the plan's 0
            {
                "unit": "Ninh Thạnh",
                "index": "service",
                "code": "late.citizen",
                "value": 7,
                "baseline": 11,
                "target": 0,
                "baseline_period": "2023Q4",
                "status": "improving",
            },
            {
                "unit": "Ninh Thạnh",
                "index": "service",
                "code": "2.1",
                "value": 97.25,
                "baseline": 93.0,
                "target": 100,
                "baseline_period": "2023Q4",
                "status": "improving",
            },
            {"unit": "Ninh Thạnh", "index": "service", "code": "3.3", "value": 85.0, "target": 80, "status": "met"},
            {"unit": "Ninh Thạnh", "index": "service", "code": "4.2", "value": None, "target": 90, "status": "no_data"},
            {"unit": "Ninh Thạnh", "index": "service", "code": "5.4", "value": 95.5, "target": 95, "status": "met"},
            # SIPAS: the same plan target seen through a survey, shown but not counted (counted = 0)
            {"unit": "Ninh Thạnh", "index": "sipas", "code": "overall", "value": 84.7, "target": 95, "status": "flat"},
            # a SIPAS criterion has a target too, but it is not one of the plan's: not counted in "met"
            {"unit": "Ninh Thạnh", "index": "sipas", "code": "E1.1", "value": 99.0, "target": 95, "status": "met"},
            # PAR: 67.21 of 71.5 points, 60.50 in 2023: improving, and still losing 71.5 − 67.21 = 4.29 points
            {
                "unit": "Ninh Thạnh",
                "index": "par",
                "code": "total",
                "value": 94.0,
                "points": 67.21,
                "max_points": 71.5,
                "baseline": 60.5,
                "baseline_period": "2023",
                "status": "still_lost",
            },
            {
                "unit": "Phường 1",
                "index": "par",
                "code": "total",
                "value": 100.0,
                "points": 71.5,
                "max_points": 71.5,
                "baseline": 72.0,
                "baseline_period": "2023",
                "status": "recovered",
            },
            {"unit": "Phường 1", "index": "service", "code": "late.citizen", "value": None, "status": "no_data"},
        ]
    )


TARGETS = pd.DataFrame(
    {
        "index": ["service"] * 5 + ["sipas"],
        "code": ["2.1", "3.3", "4.2", "late.citizen", "5.4", "overall"],
        "counted": [1, 1, 1, 1, 1, 0],
    }
)


def test_targets_are_counted_once_and_a_missing_one_is_no_data():
    met = targets_summary(_rows(), TARGETS).set_index("unit")
    # Ninh Thạnh, 5 counted targets: met 3.3, 5.4; not met 2.1, late.citizen; no data 4.2 (SIPAS not counted)
    assert met.loc["Ninh Thạnh"].tolist() == [5, 2, 2, 1]
    # Phường 1: only late.citizen (no data); the other four rows are missing -> no data, never dropped
    assert met.loc["Phường 1"].tolist() == [5, 0, 0, 5]


def test_units_table_cells():
    table = overview.units_table(_rows(), TARGETS).set_index("unit")
    assert len(table) == 10  # every unit of units.csv, with or without data
    ninh = table.loc["Ninh Thạnh"]
    assert ninh["late.citizen"].startswith("7 (2023: 11)") and "Cải thiện" in ninh["late.citizen"]
    assert ninh["2.1"].startswith("97,3 % (2023: 93,0 %)")
    assert ninh["4.2"] == "không có dữ liệu"
    assert ninh["5.4"].startswith("95,5 %") and ninh["overall"].startswith("84,7 %")  # side by side
    assert ninh["par"].startswith("67,21 (2023: 60,50)") and "Cải thiện" in ninh["par"]
    assert ninh["par"].endswith("vẫn mất 4,29 điểm so với điểm tối đa")
    assert "Kém đi" in table.loc["Phường 1", "par"] and table.loc["Phường 1", "par"].endswith("không mất điểm nào")
    assert ninh["met"] == "đạt 2/5 (chưa đạt 2, không có dữ liệu 1)"
    assert table.loc["Phường 1", "late.citizen"] == "không có dữ liệu"
    assert table.loc["Thạnh Tân", "met"] == "không có dữ liệu"


def test_notes_say_how_each_column_is_read_and_what_each_status_means():
    text = overview.notes()
    assert "5.4" in text and "SIPAS" in text and "không đếm lại" in text
    assert "“Cải thiện”: chưa đạt chỉ tiêu" in text and "“Không có dữ liệu”" in text
