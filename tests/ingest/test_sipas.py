"""SIPAS ingest on messy files the tests build themselves: answers, no-answers, quarantine, accounting,
personal data, duplicates and unusable files."""

import csv
import hashlib
import json
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.errors import IngestError
from analysis.ingest import runner, sipas
from analysis.readers.scrub import unknown_value
from analysis.reference import sipas as reference

SCORES = reference.answer_scores()
HEAD = [
    "STT",
    "Mã phiếu",
    "Đơn vị",
    "Ngày khảo sát",
    "Họ và tên",
    "Số điện thoại",
    "Lĩnh vực",
    "Hình thức nộp",
    "Giới tính",
    "Câu 1",
    "Câu 2",
    "Câu 22",
    "Ý kiến khác",
]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(raw: Path):
    result = sipas.ingest(raw)
    for account in result.files:
        account.check()
    return result


# ---------------------------------------------------------------- answers


@pytest.mark.parametrize(
    "cell, score",
    [
        ("Rất hài lòng", 5),
        ("RẤT HÀI LÒNG", 5),
        ("rat hai long", 5),
        ("  Hài   lòng ", 4),
        ("hài lòng", 4),
        (unicodedata.normalize("NFD", "Không hài lòng"), 2),
        ("KHONG HAI LONG", 2),
        ("Bình thường", 3),
        ("Rất không hài lòng", 1),
        ("4 - Hài lòng", 4),
        (1, 1),
        (5.0, 5),
        ("3", 3),
        ("4.0", 4),
    ],
)
def test_answers_as_codes_or_labels_in_any_case_and_accents(cell, score):
    scores, bad = sipas.parse_answers(pd.Series([cell], dtype=object), SCORES)
    assert scores.iloc[0] == score and not bad.iloc[0]


@pytest.mark.parametrize("cell", [None, "", "   ", "Không ý kiến", "KHÔNG Ý KIẾN", "khong tra loi", 0, "0", 9, "9"])
def test_no_answer_is_missing_not_bad(cell):
    scores, bad = sipas.parse_answers(pd.Series([cell], dtype=object), SCORES)
    assert pd.isna(scores.iloc[0]) and not bad.iloc[0]


@pytest.mark.parametrize("cell", ["7", 6, "hài lòng lắm", "4,5", 4.5, "x", "-1", "Tốt"])
def test_anything_else_is_bad(cell):
    scores, bad = sipas.parse_answers(pd.Series([cell], dtype=object), SCORES)
    assert pd.isna(scores.iloc[0]) and bad.iloc[0]


# ---------------------------------------------------------------- one messy file


def messy_rows() -> list[list]:
    return [
        ["PHIẾU KHẢO SÁT SỰ HÀI LÒNG"],  # row 1: title
        ["Đơn vị: UBND phường Ninh Thạnh"],  # row 2: title
        HEAD,  # row 3: header
        [
            1,
            "P-1",
            "UBND phường Ninh Thạnh",
            "05/02/2024",
            "Nguyễn Văn Ất",
            "0912345678",
            "Đất đai",
            "Trực tiếp",
            "Nữ",
            "Hài lòng",
            "RẤT HÀI LÒNG",
            "Không ý kiến",
            "cần thêm ghế",
        ],
        [
            2,
            "P-2",
            "Ninh Thanh",
            "06/02/2024",
            "Trần Thị Bính",
            "0987654321",
            "Hộ tịch",
            "2",
            "nữ",
            unicodedata.normalize("NFD", "Rất không hài lòng"),
            "7",
            "9",
            None,
        ],  # row 5: "7" is unusable
        [3, "P-3", "Ninh Thạnh", None, "Lê Cường", "0900000001", "Hộ tịch", "1", "Nam", "4", "5", "5", None],  # no date
        [4, None, None, None, None, None, None, None, None, None, None, None, None],  # row 7: template line
        [5, "P-5", "Ninh Thạnh", "32/01/2024", "Phạm Dung", None, "Hộ tịch", "1", "Nam", "4", "4", "4", None],
        [
            6,
            "P-6",
            "Ninh Thạnh",
            "07/02/2024",
            "Võ Em",
            None,
            "Hộ tịch",
            "qua zalo",
            "Nam",
            "hài lòng lắm",
            "4",
            "Không trả lời",
            None,
        ],  # row 9: bad channel and bad answer, form kept
        [
            7,
            "P-7",
            "Ninh Thạnh",
            "08/02/2024",
            "Huỳnh Giang",
            None,
            "Hộ tịch",
            "1",
            "Nam",
            None,
            None,
            None,
            "không nhớ",
        ],  # row 10: no answer cell at all
        ["Người lập biểu"],  # footer
        ["(ký, ghi rõ họ tên)"],
    ]


@pytest.fixture
def messy(tmp_path: Path):
    write_csv(tmp_path / "sipas" / "ninh-thanh-q1.csv", messy_rows())
    return tmp_path, run(tmp_path)


def test_accounting_of_every_row(messy):
    _, result = messy
    account = result.files[0]
    # rows 4, 5, 6, 8, 9, 10 are forms; the STT-only row 7 and the two footer lines are read and skipped.
    assert account.rows_read == 9
    assert account.rows_quarantined == 3  # row 6 (no date), row 8 (bad date), row 10 (no answers)
    assert account.rows_ingested == 3  # rows 4, 5, 9
    assert account.rows_duplicate == 0
    assert account.lines_skipped == 3  # template line and two footer lines
    assert account.header_row == 3
    assert result.table["source_row"].tolist() == [4, 5, 9]


def test_scores_parsed_and_no_answers_missing(messy):
    _, result = messy
    table = result.table.set_index("form_id")
    assert table.loc["P-1", ["E1.1", "E1.2"]].tolist() == [4, 5]
    assert pd.isna(table.loc["P-1", "E5.4"])  # Không ý kiến
    assert table.loc["P-2", "E1.1"] == 1  # NFD label
    assert pd.isna(table.loc["P-2", "E1.2"])  # "7": set aside
    assert pd.isna(table.loc["P-2", "E5.4"])  # 9 = no answer
    assert table["E2.1"].isna().all()  # a criterion the file does not ask
    assert table["unit"].unique().tolist() == ["Ninh Thạnh"]
    assert table.loc["P-1", "survey_date"] == pd.Timestamp("2024-02-05")


def test_bad_answers_quarantined_cell_by_cell_with_row_and_column(messy):
    _, result = messy
    q = result.quarantine
    cells = q[q["reason"].str.contains("câu trả lời không hợp lệ")]
    assert sorted(zip(cells["row"], cells["column"], cells["value"])) == [
        (5, "Câu 2", "7"),
        (9, "Câu 1", unknown_value("hài lòng lắm")),
    ]
    assert set(cells["record_id"]) == {"P-2", "P-6"}
    assert (cells["file"] == "sipas/ninh-thanh-q1.csv").all()
    # the respondents behind those cells are kept, with their other answers
    assert {"P-2", "P-6"} <= set(result.table["form_id"])
    assert result.table.set_index("form_id").loc["P-6", "E1.2"] == 4


def test_rows_quarantined_with_their_reason(messy):
    _, result = messy
    q = result.quarantine.set_index("row")
    assert "thiếu ngày khảo sát" in q.loc[6, "reason"] and q.loc[6, "column"] == "Ngày khảo sát"
    assert "ngày khảo sát không đọc được" in q.loc[8, "reason"] and q.loc[8, "value"] == "32/01/2024"
    assert "không có câu trả lời" in q.loc[10, "reason"]


def test_channel_codes_and_text_and_an_unreadable_channel(messy):
    _, result = messy
    table = result.table.set_index("form_id")
    assert table.loc["P-1", "channel"] == "direct" and table.loc["P-2", "channel"] == "online"
    assert pd.isna(table.loc["P-6", "channel"])
    bad = result.quarantine[result.quarantine["column"] == "Hình thức nộp"]
    assert bad["row"].tolist() == [9] and bad["value"].tolist() == [unknown_value("qua zalo")]


def test_group_spellings_are_unified(messy):
    _, result = messy
    # "Nữ" and "nữ" are one group; a tie (1 each) goes to the first spelling in sort order, "Nữ"
    assert result.table.set_index("form_id").loc[["P-1", "P-2", "P-6"], "gender"].tolist() == ["Nữ", "Nữ", "Nam"]


def test_personal_data_dropped_and_unknown_columns_listed(messy, tmp_path):
    raw, result = messy
    account = result.files[0]
    assert account.columns["Họ và tên"] == "personal" and account.columns["Số điện thoại"] == "personal"
    assert account.unknown_columns == ["Ý kiến khác"]
    out = tmp_path / "processed"
    runner.write_results([result], out, raw)
    written = (
        pd.read_parquet(out / "sipas.parquet").astype(str).to_csv()
        + pd.read_parquet(out / "sipas_quarantine.parquet").astype(str).to_csv()
        + (out / "manifest.json").read_text(encoding="utf-8")
    )
    for personal in ("Nguyễn Văn Ất", "Trần Thị Bính", "0912345678", "0987654321", "Lê Cường", "cần thêm ghế"):
        assert personal not in written
    assert "personal" not in result.table.columns and "Họ và tên" not in result.table.columns


# ---------------------------------------------------------------- shapes of files


def test_xlsx_with_excel_dates_codes_and_unit_from_the_folder(tmp_path):
    rows = [
        ["Ngày điền phiếu", "E1.1", "E5.4", "Giới tính"],
        [datetime(2024, 3, 31, 16, 45), 5, 2, "Nam"],
        [datetime(2024, 4, 1, 8, 0), 4, 0, "Nữ"],
    ]
    write_xlsx(tmp_path / "sipas" / "Phường IV" / "phieu.xlsx", rows)
    result = run(tmp_path)
    assert result.table["unit"].tolist() == ["Phường IV", "Phường IV"]
    assert result.table["survey_date"].tolist() == [pd.Timestamp("2024-03-31 16:45"), pd.Timestamp("2024-04-01 08:00")]
    assert result.table["E1.1"].tolist() == [5, 4] and pd.isna(result.table["E5.4"].iloc[1])


def test_utf16_tab_text_with_criterion_texts_as_headers(tmp_path):
    rows = [
        [
            "Đơn vị",
            "Ngày khảo sát",
            "Nơi ngồi chờ tại Bộ phận tiếp nhận và trả kết quả có đủ chỗ ngồi",
            "Công chức có thái độ giao tiếp lịch sự",
        ],
        ["xã Bình Minh", "2024-05-02", "Hài lòng", "Bình thường"],
    ]
    write_csv(tmp_path / "sipas" / "unicode.txt", rows, encoding="utf-16", delimiter="\t")
    result = run(tmp_path)
    row = result.table.iloc[0]
    assert (row["unit"], row["E1.1"], row["E3.1"]) == ("Bình Minh", 4, 3)


def test_unknown_unit_name_kept_and_noted(tmp_path):
    write_csv(tmp_path / "sipas" / "a.csv", [["Đơn vị", "Ngày", "Câu 1"], ["Phường Mới", "01/02/2024", "5"]])
    result = run(tmp_path)
    masked = "Phư…[10 ký tự #" + hashlib.sha256("Phường Mới".encode()).hexdigest()[:4] + "]"
    assert result.table["unit"].tolist() == [masked]  # an unknown unit may be a name: never shown in full
    assert any(masked in note for note in result.files[0].notes)
    assert not any("Phường Mới" in note for note in result.files[0].notes)


# ---------------------------------------------------------------- duplicates


def test_repeated_form_numbers_duplicate_or_conflict(tmp_path):
    head = ["Số phiếu", "Đơn vị", "Ngày khảo sát", "Câu 1", "Câu 2"]
    write_csv(
        tmp_path / "sipas" / "a.csv",
        [head, ["1", "Ninh Thạnh", "05/02/2024", "5", "4"], ["2", "Ninh Thạnh", "06/02/2024", "3", "4"]],
    )
    write_csv(
        tmp_path / "sipas" / "b.csv",
        [
            head,
            ["1", "Ninh Thạnh", "05/02/2024", "5", "4"],  # same: duplicate
            ["2", "Ninh Thạnh", "06/02/2024", "1", "4"],  # differs: conflict
            ["1", "Ninh Thạnh", "05/05/2024", "2", "2"],
        ],
    )  # Q2: numbering restarts
    result = run(tmp_path)
    a, b = result.files
    assert (a.rows_read, a.rows_ingested, a.rows_quarantined, a.rows_duplicate) == (2, 1, 1, 0)
    assert (b.rows_read, b.rows_ingested, b.rows_quarantined, b.rows_duplicate) == (3, 1, 1, 1)
    assert sorted(zip(result.table["source_file"], result.table["source_row"])) == [
        ("sipas/a.csv", 2),
        ("sipas/b.csv", 4),
    ]
    conflicts = result.quarantine[result.quarantine["reason"].str.contains("mã phiếu lặp lại")]
    assert sorted(zip(conflicts["file"], conflicts["row"])) == [("sipas/a.csv", 3), ("sipas/b.csv", 3)]
    assert conflicts["reason"].str.contains("E1.1").all()


def test_forms_without_number_are_never_merged(tmp_path):
    head = ["Đơn vị", "Ngày khảo sát", "Câu 1"]
    same = ["Ninh Thạnh", "05/02/2024", "5"]
    write_csv(tmp_path / "sipas" / "a.csv", [head, same, same])
    result = run(tmp_path)
    assert len(result.table) == 2  # two citizens may answer alike on the same day


def test_a_file_dropped_in_twice_counts_as_duplicate(tmp_path):
    rows = [["Đơn vị", "Ngày khảo sát", "Câu 1"], ["Ninh Thạnh", "05/02/2024", "5"], ["Ninh Thạnh", "06/02/2024", "7"]]
    write_csv(tmp_path / "sipas" / "a.csv", rows)
    write_csv(tmp_path / "sipas" / "a (copy).csv", rows)
    result = run(tmp_path)
    copy, original = result.files  # sorted by name: "a (copy).csv" first
    assert (copy.rows_read, copy.rows_ingested) == (2, 2)
    assert (original.rows_read, original.rows_duplicate, original.rows_ingested) == (2, 2, 0)
    assert len(result.table) == 2
    assert len(result.quarantine) == 1  # the "7" once, not twice


# ---------------------------------------------------------------- unusable files


def test_file_without_answer_columns_is_refused_by_name(tmp_path):
    write_csv(
        tmp_path / "sipas" / "khong-co-cau-hoi.csv",
        [["Đơn vị", "Ngày khảo sát", "Ghi chú"], ["Ninh Thạnh", "05/02/2024", "x"]],
    )
    with pytest.raises(IngestError, match=r"sipas/khong-co-cau-hoi.csv: no answer column recognised"):
        sipas.ingest(tmp_path)


def test_file_without_survey_date_is_refused_by_name(tmp_path):
    write_csv(
        tmp_path / "sipas" / "no-date.csv", [["Đơn vị", "Giới tính", "Câu 1", "Câu 2"], ["Ninh Thạnh", "Nam", "5", "4"]]
    )
    with pytest.raises(IngestError, match=r"sipas/no-date.csv.*survey_date"):
        sipas.ingest(tmp_path)


def test_file_without_unit_anywhere_is_refused(tmp_path):
    write_csv(tmp_path / "sipas" / "phieu.csv", [["Ngày khảo sát", "Câu 1"], ["05/02/2024", "5"]])
    with pytest.raises(IngestError, match="no unit column"):
        sipas.ingest(tmp_path)


def test_empty_file_is_refused_and_an_empty_folder_is_no_source(tmp_path):
    assert sipas.ingest(tmp_path) is None
    (tmp_path / "sipas").mkdir()
    (tmp_path / "sipas" / "empty.csv").write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        sipas.ingest(tmp_path)


def test_a_header_given_to_two_criteria_is_refused(tmp_path):
    survey = reference.questionnaire()
    survey.loc[survey["code"] == "E1.2", "headers"] = "Câu 1"  # already E1.1's
    with pytest.raises(IngestError, match="Câu 1"):
        reference.column_aliases(survey)


# ---------------------------------------------------------------- the demo exports


@pytest.mark.e2e
def test_demo_exports_ingest_with_every_row_accounted(tmp_path):
    from analysis.demo import sipas as demo

    paths = demo.write(tmp_path)
    assert len(paths) == 20 and all(p.name.startswith("demo_") for p in paths)
    result = run(tmp_path)
    table = result.table
    per_quarter = table.groupby(["unit", table["survey_date"].dt.to_period("Q")]).size()
    assert len(per_quarter) == 10 * 8 and per_quarter.between(40, 60).all()
    assert sum(f.rows_duplicate for f in result.files) == 1  # the one form typed twice
    assert all(f.demo for f in result.files)
    assert set(result.quarantine["value"]) <= {"7", "6", "4,5", unknown_value("hài lòng lắm"), "Tốt"}
    assert any(f.unknown_columns == ["Ý kiến khác"] for f in result.files)
    assert json.dumps([f.as_dict() for f in result.files], ensure_ascii=False).count("personal") >= 20
    again = demo.write(tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]  # deterministic files


def test_demo_baseline_file_is_what_the_demo_model_says():
    from analysis import paths as project_paths
    from analysis.demo import sipas as demo

    shipped = pd.read_csv(project_paths.reference("sipas", "baseline_2023_demo.csv"), comment="#")
    made = demo.baseline_2023()
    pd.testing.assert_frame_equal(shipped.reset_index(drop=True), made.reset_index(drop=True), check_dtype=False)
