"""The PAPI reference files: the shipped ones read, and an analyst's mistake is named with file and line."""

from pathlib import Path

import pytest

from analysis.errors import ReferenceFileError
from analysis.reference import papi as ref


def test_shipped_reference_files():
    dims = ref.dimensions()
    assert dims["code"].tolist() == [f"D{i}" for i in range(1, 9)]
    # the plan words D2 differently from PAPI (Kế hoạch 23/KH-UBND II.2.2)
    d2 = dims.set_index("code").loc["D2"]
    assert d2["plan_name_vi"] == "Công khai, minh bạch trong hoạch định chính sách"
    subs = ref.subdimensions()
    # 28 sub-dimensions: 4 + 4 + 3 + 4 + 3 + 4 + 3 + 3
    assert len(subs) == 28
    assert subs.groupby("parent")["code"].size().tolist() == [4, 4, 3, 4, 3, 4, 3, 3]
    ref.settings()  # the shipped settings are valid, whatever the analyst chose (their values: the test below)
    questions = ref.survey_map()
    assert questions["question"].is_unique and set(questions["direction"]) <= {1, -1}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_are_read_as_written(tmp_path):
    path = write(
        tmp_path,
        "settings.csv",
        "# comment\nsetting,value\nfocus_province,Hà Nội\nbaseline_year,2022\n"
        "target_rule,p75\nquartile_rule,nearest_rank\nsurvey_confidence,0.9\n",
    )
    assert ref.settings(path) == ref.PapiSettings("Hà Nội", 2022, "p75", "nearest_rank", 0.9)


def test_settings_with_an_unknown_target_rule(tmp_path):
    path = write(
        tmp_path,
        "settings.csv",
        "# comment\nsetting,value\nfocus_province,Tây Ninh\nbaseline_year,2023\n"
        "target_rule,mean\nquartile_rule,nearest_rank\nsurvey_confidence,0.95\n",
    )
    with pytest.raises(
        ReferenceFileError,
        match=r"settings.csv: row \d+, column 'value': target_rule 'mean' is not "
        r"one of median, p75, next_group",
    ):
        ref.settings(path)


def test_settings_with_a_missing_setting(tmp_path):
    path = write(tmp_path, "settings.csv", "setting,value\nfocus_province,Tây Ninh\n")
    with pytest.raises(ReferenceFileError, match=r"settings.csv: setting\(s\) missing: target_rule"):
        ref.settings(path)


def test_survey_map_with_a_sub_dimension_of_another_dimension(tmp_path):
    header = "question,headers,text_vi,scale,direction,indicator,indicator_vi,subdimension,dimension\n"
    path = write(tmp_path, "map.csv", header + "q01,Câu 1,Câu hỏi,yes_no,1,D5.1.1,Chỉ tiêu,D5.1,D4\n")
    with pytest.raises(
        ReferenceFileError, match=r"map.csv: row \d+, column 'dimension': question q01: D5.1 does not belong to D4"
    ):
        ref.survey_map(path)
    path = write(tmp_path, "map.csv", header + "q01,Câu 1,Câu hỏi,yes_no,2,D5.1.1,Chỉ tiêu,D5.1,D5\n")
    with pytest.raises(
        ReferenceFileError,
        match=r"map.csv: row \d+, column 'direction': question q01: direction must be 1 or -1, not '2'",
    ):
        ref.survey_map(path)
