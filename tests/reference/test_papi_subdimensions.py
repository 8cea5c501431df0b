"""The sub-dimension template reader: a dimension is complete, in range, and sums to the official score."""

from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.reference.papi import DEMO_SUBDIMENSION_FILE, REAL_SUBDIMENSION_FILE
from analysis.reference.papi_official import read_official
from analysis.reference.papi_subdimensions import choose_file, read_subdimensions

TEMPLATE = paths.reference("papi", "subdimension_scores_template.csv")
HA_NOI_D6 = [("D6.1", "1.7029"), ("D6.2", "1.9570"), ("D6.3", "2.2548"), ("D6.4", "1.9339")]


@pytest.fixture(scope="module")
def official():
    return read_official()


def filled(tmp_path: Path, lines: list[str], name: str = "subdimension_scores.csv") -> tuple[Path, int]:
    """The template with data lines appended; returns the path and the line number of the first data line."""
    template = TEMPLATE.read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(template + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path, len(template.splitlines()) + 1


def ha_noi(scores=HA_NOI_D6, province="Hà Nội", year=2023) -> list[str]:
    return [f"{province},{year},{code},{value}" for code, value in scores]


def refused(path: Path, official) -> str:
    with pytest.raises(ReferenceFileError) as caught:
        read_subdimensions(path, official)
    return str(caught.value)


def test_template_has_the_columns_and_no_data(official, tmp_path):
    path, _ = filled(tmp_path, [])
    frame = read_subdimensions(path, official)
    assert frame.empty and {"province", "year", "code", "score"} <= set(frame.columns)


def test_ha_noi_2023_d6_example_sums_to_the_official_score(official, tmp_path):
    # docs/methodology.md §6: 1.7029 + 1.9570 + 2.2548 + 1.9339 = 7.8486 = Hà Nội's D6 in 2023 (file: 7.848581)
    path, first = filled(tmp_path, ha_noi())
    frame = read_subdimensions(path, official)
    assert frame["code"].tolist() == ["D6.1", "D6.2", "D6.3", "D6.4"]
    assert frame["source_row"].tolist() == [first, first + 1, first + 2, first + 3]
    assert float(frame["score"].sum()) == pytest.approx(7.8486, abs=1e-9)


def test_accents_and_case_of_the_province_do_not_matter(official, tmp_path):
    path, _ = filled(tmp_path, ha_noi(province="ha noi"))
    assert set(read_subdimensions(path, official)["province"]) == {"Hà Nội"}


def test_sum_off_by_more_than_0_001(official, tmp_path):
    # 1.7039 instead of 1.7029: the sum becomes 7.8496, 0.0010 above 7.848581 -> 0.00102 > 0.001
    scores = [("D6.1", "1.7039"), *HA_NOI_D6[1:]]
    path, first = filled(tmp_path, ha_noi(scores), "sum.csv")
    message = refused(path, official)
    assert (
        f"sum.csv, row {first} (Hà Nội 2023 D6), column score: the sub-dimensions of D6 sum to 7.8496, "
        "the official D6 score is 7.8486 (tolerance 0.001)"
    ) in message


def test_sum_within_0_001_is_accepted(official, tmp_path):
    # 1.7035: the sum 7.8492 is 0.00062 above 7.848581 -> accepted
    path, _ = filled(tmp_path, ha_noi([("D6.1", "1.7035"), *HA_NOI_D6[1:]]))
    assert len(read_subdimensions(path, official)) == 4


def test_incomplete_dimension(official, tmp_path):
    path, first = filled(tmp_path, ha_noi(HA_NOI_D6[:3]), "three.csv")
    message = refused(path, official)
    assert f"three.csv, row {first} (Hà Nội 2023 D6), column code: D6 has 3 of 4 sub-dimensions; add D6.4" in message


def test_cell_problems_are_named(official, tmp_path):
    lines = [
        "Hà Nội,2023,D6.1,2.7029",  # above 10/4 = 2.5
        "Hà Nội,2019,D6.2,1.9570",  # before the 28-sub-dimension structure of 2021
        "Hà Nội,2023,D6.9,2.2548",  # no such sub-dimension
        "Hà Tây,2023,D6.4,1.9339",  # no such province in the official file
        "Hà Nội,2023,D6.3,abc",
    ]  # not a number
    path, first = filled(tmp_path, lines, "cells.csv")
    message = refused(path, official)
    assert "5 problem(s)" in message
    assert (
        f"row {first} (Hà Nội 2023 D6.1), column score: score 2.7029 is outside the range 1/k–10/k (0.25–2.5)"
        in message
    )
    assert f"row {first + 1} (Hà Nội 2019 D6.2), column year: the 28-sub-dimension structure starts in 2021" in message
    assert f"row {first + 2} (Hà Nội 2023 D6.9), column code: 'D6.9' is not a sub-dimension code" in message
    assert f"row {first + 3} (Hà Tây 2023 D6.4), column province: 'Hà Tây' is not a province" in message
    assert f"row {first + 4} (Hà Nội 2023 D6.3), column score: 'abc' is not a number" in message


def test_dimension_not_scored_in_the_official_file(official, tmp_path):
    # Quảng Ninh was not scored in 2023 (all blank in the official file)
    path, first = filled(tmp_path, [f"Quảng Ninh,2023,D8.{i},1" for i in (1, 2, 3)])
    message = refused(path, official)
    assert f"row {first} (Quảng Ninh 2023 D8), column code: D8 is not scored" in message


def test_missing_column(official, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("province,year,code\nHà Nội,2023,D6.1\n", encoding="utf-8")
    assert refused(path, official).startswith("cols.csv: missing column(s) score")


def test_demo_file_is_labelled_and_sums_to_tay_ninh_published_scores(official):
    path = paths.reference("papi", DEMO_SUBDIMENSION_FILE)
    assert path.name.startswith("demo_")
    assert "DEMO" in path.read_text(encoding="utf-8").splitlines()[0]
    frame = read_subdimensions(path, official)
    assert set(frame["province"]) == {"Tây Ninh"}
    assert sorted(frame["year"].unique()) == [2022, 2023, 2024]
    assert len(frame) == 3 * 28
    sums = frame.assign(parent=frame["code"].str[:2]).groupby(["year", "parent"])["score"].sum()
    # 2023 dimension scores as published (docs/methodology.md §5)
    published_2023 = {
        "D1": 3.9292,
        "D2": 4.3770,
        "D3": 4.0106,
        "D4": 6.8288,
        "D5": 7.1959,
        "D6": 6.7686,
        "D7": 3.1994,
        "D8": 2.9268,
    }
    for code, value in published_2023.items():
        assert float(sums[(2023, code)]) == pytest.approx(value, abs=1e-3)
    # 2022 and 2024 against the official file read directly with pandas (not through the reader)
    raw = pd.read_csv(paths.reference("papi", "papi_provincial_dimensions.csv"))
    for year in (2022, 2024):
        row = raw[(raw["province_vi"] == "Tây Ninh") & (raw["year"] == year)].iloc[0]
        for code in published_2023:
            assert float(sums[(year, code)]) == pytest.approx(row[code], abs=1e-3)


def test_a_filled_file_wins_over_the_demo_file(tmp_path):
    (tmp_path / DEMO_SUBDIMENSION_FILE).write_text("province,year,code,score\n", encoding="utf-8")
    assert choose_file(tmp_path).demo is True
    (tmp_path / REAL_SUBDIMENSION_FILE).write_text("province,year,code,score\n", encoding="utf-8")
    chosen = choose_file(tmp_path)
    assert chosen.demo is False and chosen.path.name == REAL_SUBDIMENSION_FILE


def test_neither_file(tmp_path):
    chosen = choose_file(tmp_path)
    assert chosen.path is None and chosen.demo is False
