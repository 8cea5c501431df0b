import pandas as pd
import pytest

from analysis.indicators.long import LONG_COLUMNS, gap_to_target, long_frame, status_for
from analysis.reference import plan


def test_gap_is_the_shortfall_in_the_value_unit():
    assert gap_to_target(72.5, 80, ">") == pytest.approx(7.5)  # 80 − 72.5
    assert gap_to_target(3, 0, "<=") == 3  # three late dossiers against "none"
    assert gap_to_target(85, 80, ">") == -5  # met with 5 points to spare
    assert gap_to_target(None, 80, ">") is None


def test_status_order_no_data_then_target_then_direction():
    assert status_for(None, 80, ">", 70) == "no_data"
    assert status_for(81, 80, ">", 90) == "met"
    assert status_for(80, 80, ">", 70) == "improving"  # "trên 80 %" is strict: 80 does not meet it
    assert status_for(75, 80, ">", 75) == "flat"
    assert status_for(2, 0, "<=", 5) == "improving"  # fewer late dossiers is better
    assert status_for(6, 0, "<=", 5) == "worse"
    assert status_for(70, 80, ">", None) == "no_baseline"


def test_long_frame_has_every_column_and_refuses_others():
    frame = long_frame([{"index": "service", "code": "2.1", "value": 95.0}])
    assert list(frame.columns) == LONG_COLUMNS
    assert pd.isna(frame.loc[0, "baseline"])
    with pytest.raises(ValueError, match="valu"):
        long_frame([{"valu": 1}])


def test_plan_targets_and_owners_are_read_from_the_reference_files(tmp_path):
    targets_file = tmp_path / "targets.csv"
    targets_file.write_text(
        "# the plan's targets\nindex,code,target,comparison,plan_section,plan_text\n"
        "service,4.2,90,>,II.1.2,Số hóa hồ sơ TTHC trên 90%\nservice,1,80,>,II.1.2,x\n"
        "sipas,overall,95.5,>=,II.1.2,x\n",
        encoding="utf-8",
    )
    targets = plan.targets(targets_file).set_index(["index", "code"])
    assert targets.loc[("service", "4.2"), "target"] == 90.0 and targets.loc[("service", "4.2"), "comparison"] == ">"
    assert ("service", "1") in targets.index  # codes stay text: "1", not the number 1
    assert targets.loc[("sipas", "overall"), "target"] == 95.5
    (tmp_path / "owners.csv").write_text(
        "id,name,spellings\ntp,Công chức Tư pháp – Hộ tịch,tư pháp\nvh,Công chức Văn hóa – Xã hội,VH – XH\n",
        encoding="utf-8",
    )
    tasks_file = tmp_path / "tasks.csv"
    tasks_file.write_text(
        "# tasks\nid,section,quote,text,owners,deadline,codes\n"
        "II.2.1.a,II.2.1,q,A,tp,Trong năm 2024,papi:D1|papi:D4|service:2.1\n"
        "II.2.2.a,II.2.2,q,B,vh,Trong năm 2024,papi:D4|\n"
        "II.2.3.a,II.2.3,q,C,tp,Trong năm 2024,papi:D4\n",
        encoding="utf-8",
    )
    owners = plan.owners("papi", tasks_file)
    assert owners == {
        "D1": "Công chức Tư pháp – Hộ tịch",  # each owner once, in the plan's order
        "D4": "Công chức Tư pháp – Hộ tịch; Công chức Văn hóa – Xã hội",
    }
    assert plan.owners("service", tasks_file) == {"2.1": "Công chức Tư pháp – Hộ tịch"}


def test_vietnamese_numbers_round_half_up_with_dot_thousands_and_decimal_comma():
    from analysis import fmt

    assert fmt.number(97.25, 1) == "97,3"  # half up, not half even
    assert fmt.number(1234567.5) == "1.234.568"
    assert fmt.percent(2.675, 2) == "2,68 %"  # 2.675 is stored as 2.67499…; its shortest repr rounds up
    assert fmt.signed(-1.0) == "−1,0" and fmt.number(None) == "không có dữ liệu"


def test_baseline_year_is_read_from_the_plan_settings(tmp_path):
    from analysis.errors import ReferenceFileError

    good = tmp_path / "settings.yaml"
    good.write_text("plan_year: 2025\nbaseline_year: 2024\n", encoding="utf-8")
    assert plan.baseline_year(good) == 2024
    bad = tmp_path / "bad.yaml"
    bad.write_text("baseline_year: năm 2023\n", encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="bad.yaml: baseline_year must be a year"):
        plan.baseline_year(bad)


def test_compact_numbers_round_half_up_and_drop_trailing_zeros():
    from analysis import fmt

    assert [fmt.compact(v) for v in (2.5, 2.0, 97.255, 1234.5, 0.125)] == ["2,5", "2", "97,26", "1.234,5", "0,13"]
    assert fmt.compact(None) == fmt.NO_DATA
    assert list(fmt.compact_series(pd.Series([1.5, None, 3.0]))) == ["1,5", pd.NA, "3"]
