"""The reader of the official PAPI file: the real file reads, and broken copies are refused with a message
that names the file, the row (line number in the file, header = 1) and the column."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.reference.papi_official import read_official

REAL = paths.reference("papi", "papi_provincial_dimensions.csv")


def real_lines() -> list[str]:
    return REAL.read_text(encoding="utf-8").splitlines()


def line_of(lines: list[str], province: str, year: int) -> int:
    """1-based line number of a province-year, found by reading the text (independent of the reader)."""
    prefix = f"{province},"
    hits = [i + 1 for i, line in enumerate(lines) if line.startswith(prefix) and f",{year}," in line]
    assert len(hits) == 1
    return hits[0]


def broken_copy(
    tmp_path: Path, edits: dict[tuple[int, str], str], name: str = "broken.csv", header: list[str] | None = None
) -> Path:
    """A copy of the real file with cells replaced: {(line number, column): new text}."""
    rows = list(csv.reader(io.StringIO(REAL.read_text(encoding="utf-8"))))
    columns = rows[0]
    for (line, column), value in edits.items():
        rows[line - 1][columns.index(column)] = value
    if header is not None:
        rows[0] = header
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(ReferenceFileError) as caught:
        read_official(path)
    return str(caught.value)


# ---------------------------------------------------------------- the real file


def test_real_file_reads_every_row():
    frame = read_official()
    # SOURCE.md: 63 provinces x 14 years (2011-2024) = 882 rows, none dropped.
    assert len(frame) == 63 * 14
    assert frame["year"].min() == 2011 and frame["year"].max() == 2024
    assert frame.groupby("year")["province"].nunique().eq(63).all()


def test_real_file_tay_ninh_2023_figures():
    frame = read_official()
    row = frame[(frame["province"] == "Tây Ninh") & (frame["year"] == 2023)].iloc[0]
    # docs/methodology.md §5: total 39.2364; D1 3.9292 … D8 2.9268.
    assert round(float(row["total"]), 4) == 39.2364
    expected = {
        "D1": 3.9292,
        "D2": 4.3770,
        "D3": 4.0106,
        "D4": 6.8288,
        "D5": 7.1959,
        "D6": 6.7686,
        "D7": 3.1994,
        "D8": 2.9268,
    }
    assert {code: round(float(row[code]), 4) for code in expected} == expected
    # 3.9292+4.3770+4.0106+6.8288+7.1959+6.7686+3.1994+2.9268 = 39.2363 (rounding of the 4-decimal parts)
    assert abs(sum(expected.values()) - 39.2364) < 0.0005
    assert row["source_row"] == line_of(real_lines(), "Tây Ninh", 2023)


def test_real_file_blanks_are_not_scored():
    frame = read_official()
    # SOURCE.md: 13 rows have an incomplete set of dimensions and a blank total; 9 of them are all blank.
    incomplete = frame[frame["n_dims"] < frame["n_expected"]]
    assert len(incomplete) == 13
    assert incomplete["total"].isna().all()
    assert (incomplete["n_dims"] == 0).sum() == 9
    # Quảng Ninh 2018 is scored on 6 of the 8 dimensions (D2 and D4 blank).
    qn = frame[(frame["province"] == "Quảng Ninh") & (frame["year"] == 2018)].iloc[0]
    assert pd.isna(qn["D2"]) and pd.isna(qn["D4"]) and qn["n_dims"] == 6
    # Before 2018 D7 and D8 are never scored.
    assert frame.loc[frame["year"] < 2018, ["D7", "D8"]].isna().all().all()


def test_a_zero_means_not_scored(tmp_path):
    lines = real_lines()
    line = line_of(lines, "Bắc Giang", 2014)  # an all-blank row (n_dims 0)
    frame = read_official(broken_copy(tmp_path, {(line, "D1"): "0"}))
    row = frame[frame["source_row"] == line].iloc[0]
    assert pd.isna(row["D1"]) and row["n_dims"] == 0


# ---------------------------------------------------------------- broken copies

CELL_CASES = [
    # (province, year, {column: new text}, what the message says after "column ...: ")
    ("Tây Ninh", 2023, {"D3": "11.2"}, "column D3: score 11.2 is outside the range 1–10"),
    ("Hà Giang", 2011, {"D1": "0.5"}, "column D1: score 0.5 is outside the range 1–10"),
    # |39.3 − 39.236355| = 0.0636 > 0.0001
    ("Tây Ninh", 2023, {"total": "39.3"}, "column total: total 39.3 is not the sum of the dimensions"),
    (
        "Tây Ninh",
        2023,
        {"D8": "", "n_dims": "7"},
        "column D8: blank, but the row has a total: a total needs all 8 dimensions of its year",
    ),
    ("Tây Ninh", 2015, {"D7": "4.5", "n_dims": "7"}, "column D7: D7 is scored in 2015, but PAPI had 6 dimensions"),
    ("Tây Ninh", 2023, {"n_dims": "6"}, "column n_dims: says 6 but 8 dimension(s) are scored"),
    ("Tây Ninh", 2023, {"D2": "4,377"}, "column D2: '4,377' is not a number"),
    ("Tây Ninh", 2023, {"year": "2O23"}, "column year: '2O23' is not a number"),
]


@pytest.mark.parametrize("province, year, cells, what", CELL_CASES, ids=[c[3][:40] for c in CELL_CASES])
def test_broken_cell_is_named_by_file_row_and_column(tmp_path, province, year, cells, what):
    line = line_of(real_lines(), province, year)
    path = broken_copy(tmp_path, {(line, column): text for column, text in cells.items()}, "broken.csv")
    message = refused(path)
    label = f"{province} {'2O23' if cells.get('year') else year}"
    assert f"broken.csv, row {line} ({label}), {what}" in message
    assert "1 problem(s)" in message  # the bad cell is reported once, not echoed by the row-level checks


def test_total_within_tolerance_is_accepted(tmp_path):
    line = line_of(real_lines(), "Tây Ninh", 2023)
    # the file's total 39.236355; the dimensions sum to 39.236353 (single-precision); 39.23640 is 0.00005 off
    frame = read_official(broken_copy(tmp_path, {(line, "total"): "39.23640"}))
    assert float(frame.loc[frame["source_row"] == line, "total"].iloc[0]) == pytest.approx(39.2364)


def test_missing_column(tmp_path):
    header = real_lines()[0].split(",")
    renamed = [("Dim5" if c == "D5" else c) for c in header]
    message = refused(broken_copy(tmp_path, {}, "nocol.csv", header=renamed))
    assert message.startswith("nocol.csv: missing column(s) D5")


def test_every_problem_is_listed_in_row_order(tmp_path):
    lines = real_lines()
    late, early = line_of(lines, "Tây Ninh", 2023), line_of(lines, "Hà Giang", 2011)
    message = refused(broken_copy(tmp_path, {(late, "D2"): "abc", (early, "D1"): "12"}))
    assert "2 problem(s)" in message
    assert message.index(f"row {early} ") < message.index(f"row {late} ")


def test_the_same_province_and_year_twice(tmp_path):
    lines = real_lines()
    line = line_of(lines, "Tây Ninh", 2023)
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([*lines, lines[line - 1]]) + "\n", encoding="utf-8")
    message = refused(path)
    assert f"row {line} (Tây Ninh 2023), column province_vi: the same province and year" in message
    assert f"row {len(lines) + 1} (Tây Ninh 2023)" in message
