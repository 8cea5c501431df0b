"""PAR INDEX score ingest on files the tests build: shapes, quarantine, validation messages, accounting."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.demo import par as demo
from analysis.errors import IngestError
from analysis.ingest import par
from analysis.reference.par import build_tree
from analysis.reference.par_tree import CriteriaSet

HEADER = [
    "Đơn vị",
    "Năm",
    "Kỳ đánh giá",
    "Mã tiêu chí",
    "Tiêu chí",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
]


def tiny_sets() -> dict[int, CriteriaSet]:
    """1 (3) = 1.1 (2) = 1.1.1 (1) + 1.1.2 (1), plus 1.2 (1); 2 (2) = 2.1 (2, survey). Total 5, both years."""
    rows = [
        ("1", None, 3, "appraisal"),
        ("1.1", "1", 2, "appraisal"),
        ("1.1.1", "1.1", 1, "appraisal"),
        ("1.1.2", "1.1", 1, "appraisal"),
        ("1.2", "1", 1, "appraisal"),
        ("2", None, 2, None),
        ("2.1", "2", 2, "survey"),
    ]
    raw = pd.DataFrame(
        {
            "code": [r[0] for r in rows],
            "parent": [r[1] for r in rows],
            "name": [f"Tiêu chí {r[0]}" for r in rows],
            "max_points": [r[2] for r in rows],
            "method": [r[3] for r in rows],
            "line": range(3, 3 + len(rows)),
        },
        dtype=object,
    )
    tree = build_tree(raw, 5.0, "tiny.csv")
    return {year: CriteriaSet(year, "tiny.csv", 5.0, "sample", tree) for year in (2023, 2024)}


def full_rows(
    unit: str = "Ninh Thạnh", year: int = 2024, when: str = "Quý I/2024", points: dict[str, str] | None = None
) -> list[list[str]]:
    """One complete assessment, leaves and subtotals consistent: 1.1.1 = 1, 1.1.2 = 0,5, 1.2 = 1, 2.1 = 1,8."""
    given = {"1": "2,5", "1.1": "1,5", "1.1.1": "1", "1.1.2": "0,5", "1.2": "1", "2": "1,8", "2.1": "1,8"}
    given.update(points or {})
    maxima = {"1": "3", "1.1": "2", "1.1.1": "1", "1.1.2": "1", "1.2": "1", "2": "2", "2.1": "2"}
    return [[unit, str(year), when, code, f"Tiêu chí {code}", maxima[code], value, ""] for code, value in given.items()]


def write_csv(folder: Path, name: str, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = folder / "par_index" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CCHC", ";".join(header), *(";".join(r) for r in rows)]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def run(folder: Path):
    result = par.ingest(folder, sets=tiny_sets())
    for account in result.files:
        account.check()
    return result


def issues_of(result) -> pd.DataFrame:
    return par.issues(result.table, tiny_sets(), result.quarantine)


def test_no_folder_no_result(tmp_path):
    assert par.ingest(tmp_path, sets=tiny_sets()) is None


def test_xlsx_with_title_rows_subtotals_footer_and_a_personal_column(tmp_path):
    path = tmp_path / "par_index" / "diem_2023.xlsx"
    path.parent.mkdir(parents=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH"])
    sheet.append(["BẢNG TỔNG HỢP ĐIỂM NĂM 2023"])
    sheet.append(
        [
            "STT",
            "Đơn vị",
            "Năm",
            "Mã tiêu chí",
            "Tiêu chí",
            "Điểm tối đa",
            "Điểm tự đánh giá",
            "Điểm thẩm định",
            "Người đánh giá",
        ]
    )
    points = [
        ("1", 3, 2.5, 2.25),
        ("1.1", 2, 1.5, 1.25),
        ("1.1.1", 1, 1, 1),
        ("1.1.2", 1, 0.5, 0.25),
        ("1.2", 1, 1, 1),
        ("2", 2, 2, 1.8),
        ("2.1", 2, 2, 1.8),
    ]
    for number, (code, top, own, appraised) in enumerate(points, start=1):
        sheet.append(
            [number, "UBND phường Ninh Thạnh", 2023, code, f"Tiêu chí {code}", top, own, appraised, "Nguyễn Văn An"]
        )
    sheet.append([])
    sheet.append(["Người lập biểu"])
    book.save(path)
    result = run(tmp_path)
    account = result.files[0]
    # 7 records read and kept; the blank line and the signature line are not records
    # 7 records and the signature line (read, skipped); the blank line is counted apart
    assert (account.rows_read, account.rows_ingested, account.rows_quarantined) == (8, 7, 0)
    assert account.header_row == 3 and account.lines_skipped == 1 and account.blank_lines == 1
    assert account.notes == []
    assert account.columns["Người đánh giá"] == "personal" and "STT" in account.unknown_columns
    table = result.table.set_index("code")
    assert set(table["unit"]) == {"Ninh Thạnh"} and table.loc["1.1.2", "appraised_points"] == 0.25
    assert table.loc["1.1.2", "source_row"] == 7 and not table.loc["1.1", "is_leaf"]
    assert "personal" not in result.table.columns
    assert not result.table.astype(str).apply(lambda c: c.str.contains("Nguyễn")).any().any()


def test_csv_with_semicolons_decimal_commas_and_quarters(tmp_path):
    rows = [
        r[:2] + [when] + r[3:]
        for r, when in zip(full_rows()[:5], ["Quý I/2024", "Q2/2024", "2024Q3", "31/12/2024", ""])
    ]
    write_csv(tmp_path, "q.csv", rows)
    table = run(tmp_path).table.set_index("code")
    assert table["as_of"].tolist()[:4] == [
        pd.Timestamp(d) for d in ("2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31")
    ]
    assert pd.isna(table.loc["1.2", "as_of"])
    assert table.loc["1.1.2", "self_points"] == 0.5 and table.loc["1", "self_points"] == 2.5


def test_a_score_above_the_maximum_is_quarantined_naming_file_row_and_code(tmp_path):
    write_csv(tmp_path, "bad.csv", full_rows(points={"1.1.1": "1,5", "1.1": "2", "1": "3"}))
    result = run(tmp_path)
    held = result.quarantine
    # file lines: 1 title, 2 header, 3 code 1, 4 code 1.1, 5 code 1.1.1
    assert held[["file", "row", "column", "value", "record_id"]].values.tolist() == [
        ["par_index/bad.csv", 5, "Điểm tự đánh giá", "1,5", "Ninh Thạnh | 2024 | 1.1.1"]
    ]
    assert held["reason"].iloc[0] == "Điểm tự đánh giá 1,5 vượt điểm tối đa 1 của tiêu chí 1.1.1"
    assert "1.1.1" not in set(result.table["code"])
    notes = result.files[0].notes
    assert any(
        n.startswith("par_index/bad.csv: Ninh Thạnh, năm 2024 (đến 31/03/2024): không có dòng điểm của tiêu chí 1.1.1")
        and "bị cách ly" in n
        for n in notes
    )


def test_an_unknown_code_is_quarantined_naming_file_row_and_code(tmp_path):
    write_csv(tmp_path, "unknown.csv", full_rows() + [["Ninh Thạnh", "2024", "Quý I/2024", "1.3", "Lạ", "1", "1", ""]])
    result = run(tmp_path)
    assert result.quarantine[["file", "row", "column", "value"]].values.tolist() == [
        ["par_index/unknown.csv", 10, "Mã tiêu chí", "1.3"]
    ]  # 2 lines above + 7 rows -> line 10
    assert result.quarantine["reason"].iloc[0] == "mã tiêu chí 1.3 không có trong bộ tiêu chí năm 2024"
    assert result.files[0].rows_ingested == 7 and result.files[0].rows_quarantined == 1


def test_a_missing_leaf_is_listed_with_file_and_code_and_no_row(tmp_path):
    rows = [r for r in full_rows() if r[3] != "2.1"]
    write_csv(tmp_path, "missing.csv", rows)
    result = run(tmp_path)
    found = issues_of(result)
    assert found[["kind", "file", "code"]].values.tolist() == [["missing_leaf", "par_index/missing.csv", "2.1"]]
    assert pd.isna(found["row"].iloc[0])
    assert found["message"].iloc[0] == (
        "par_index/missing.csv: Ninh Thạnh, năm 2024 (đến 31/03/2024): không có "
        "dòng điểm của tiêu chí 2.1 (Tiêu chí 2.1)"
    )
    assert result.files[0].notes == [found["message"].iloc[0]]
    assert len(result.quarantine) == 0  # nothing patched, nothing invented: the leaf is simply absent


def test_a_parent_that_is_not_the_sum_of_its_leaves_is_listed_with_file_row_and_code(tmp_path):
    # 1.1 written as 2 although 1.1.1 + 1.1.2 = 1 + 0,5 = 1,5; field 1 written 2,5 = 1,5 + 1 is right
    write_csv(tmp_path, "sum.csv", full_rows(points={"1.1": "2"}))
    result = run(tmp_path)
    found = issues_of(result)
    assert found[["kind", "file", "row", "code"]].values.tolist() == [["parent_sum", "par_index/sum.csv", 4, "1.1"]]
    assert found["message"].iloc[0] == (
        "par_index/sum.csv, dòng 4: Ninh Thạnh, năm 2024 (đến 31/03/2024): điểm tự đánh giá của tiêu chí 1.1 ghi 2 "
        "nhưng tổng các tiêu chí thành phần là 1,5; báo cáo dùng tổng các tiêu chí thành phần"
    )
    assert result.table.set_index("code").loc["1.1", "self_points"] == 2  # kept as written, not patched


def test_a_maximum_that_differs_from_the_criteria_set_is_listed(tmp_path):
    rows = full_rows()
    rows[4][5] = "1,5"  # code 1.2, set maximum 1
    write_csv(tmp_path, "max.csv", rows)
    found = issues_of(run(tmp_path))
    assert found[["kind", "row", "code"]].values.tolist() == [["max_mismatch", 7, "1.2"]]
    assert found["message"].iloc[0] == (
        "par_index/max.csv, dòng 7: tiêu chí 1.2 ghi điểm tối đa 1,5, bộ tiêu chí năm 2024 là 1"
    )


def test_repeats_count_once_and_conflicts_are_quarantined(tmp_path):
    write_csv(tmp_path, "a.csv", full_rows())
    write_csv(tmp_path, "b.csv", [full_rows()[2], [*full_rows()[4][:6], "0,5", ""]])  # 1.1.1 same; 1.2 other
    result = run(tmp_path)
    accounts = {a.file: a for a in result.files}
    assert (accounts["par_index/b.csv"].rows_duplicate, accounts["par_index/b.csv"].rows_quarantined) == (1, 1)
    assert accounts["par_index/a.csv"].rows_quarantined == 1  # its 1.2 conflicts with b.csv's
    reasons = result.quarantine.set_index("file")["reason"]
    assert reasons["par_index/a.csv"] == (
        "mã tiêu chí 1.2 lặp lại với điểm khác nhau (par_index/a.csv dòng 7, par_index/b.csv dòng 4)"
    )
    assert (result.table["code"] == "1.1.1").sum() == 1 and "1.2" not in set(result.table["code"])


@pytest.mark.parametrize(
    "cells, reason",
    [
        (["Ninh Thạnh", "2022", "", "1.1.1", "x", "1", "1", ""], "không có bộ tiêu chí cho năm 2022"),
        (["", "2024", "", "1.1.1", "x", "1", "1", ""], "không có tên đơn vị"),
        (["Ninh Thạnh", "2024", "Quý 5/2024", "1.1.1", "x", "1", "1", ""], "kỳ đánh giá không đọc được: Quý 5/2024"),
        (["Ninh Thạnh", "2024", "", "1.1.1", "x", "1", "một", ""], "Điểm tự đánh giá không phải là số: một"),
        (["Ninh Thạnh", "2024", "", "1.1.1", "x", "1", "-1", ""], "Điểm tự đánh giá âm: -1"),
    ],
)
def test_rows_that_cannot_be_used_are_quarantined_with_a_reason(tmp_path, cells, reason):
    write_csv(tmp_path, "row.csv", [cells])
    result = run(tmp_path)
    assert result.quarantine["reason"].tolist() == [reason] and result.quarantine["row"].tolist() == [3]


def test_files_that_cannot_be_used_stop_with_a_message(tmp_path):
    write_csv(tmp_path, "noheader.csv", [["a", "b"]], header=["Cột 1", "Cột 2"])
    with pytest.raises(IngestError, match=r"^noheader.csv: no recognisable header row"):
        run(tmp_path)
    (tmp_path / "par_index" / "noheader.csv").unlink()
    write_csv(tmp_path, "nopoints.csv", [["Ninh Thạnh", "2024", "1.1.1"]], header=["Đơn vị", "Năm", "Mã tiêu chí"])
    with pytest.raises(IngestError, match=r"^nopoints.csv: no points column"):
        run(tmp_path)


@pytest.mark.e2e
def test_demo_files_ingest_whole_with_one_deliberate_subtotal_error(tmp_path):
    written = demo.write(tmp_path / "raw")
    again = demo.write(tmp_path / "again")
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]  # deterministic
    result = par.ingest(tmp_path / "raw")
    assert [a.file for a in result.files] == ["par_index/demo_par_2023.xlsx"] + [
        f"par_index/demo_par_2024_q{q}.csv" for q in range(1, 5)
    ]
    # each file: 10 units x 125 nodes (8 fields + 34 criteria + 83 sub-criteria), all kept
    assert all(a.rows_read - a.lines_skipped == a.rows_ingested == 1250 and a.demo for a in result.files)
    assert result.quarantine.empty
    notes = [n for a in result.files for n in a.notes]
    assert len(notes) == 1 and "Thạnh Tân, năm 2023: điểm thẩm định của tiêu chí 3 ghi" in notes[0]
