"""Ingest of the local PAPI-like survey on messy files built here, and of the demo file."""

import hashlib
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from analysis.demo import papi_survey as demo
from analysis.errors import IngestError
from analysis.ingest import papi_survey
from analysis.readers.scrub import unknown_value

HEADER = "Số phiếu;Phường/xã;Ngày phỏng vấn;Họ tên;Số điện thoại;Câu 1;Câu 7;Q14"


def write_csv(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / "papi_survey" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))  # Excel's "CSV UTF-8"
    return path


@pytest.fixture
def messy(tmp_path):
    write_csv(
        tmp_path,
        "khao_sat.csv",
        [
            "PHIẾU KHẢO SÁT Ý KIẾN NGƯỜI DÂN;;;;;;;",
            "",
            HEADER,
            "P01;Phường Ninh Thạnh;05/03/2024;Nguyễn Văn A;0912345678;Có;Hài lòng;x",  # 4: ok
            "P02;ninh thanh;06/03/2024;Trần Thị B;0987654321;Không biết;4;Không",  # 5: ok
            "P03;Ninh Thạnh;06/03/2024;Lê C;0911111111;Không;7;Có",  # 6: bad answer 7
            ";Ninh Thạnh;07/03/2024;Phạm D;0922222222;Có;3;Có",  # 7: no form number
            "P05;;07/03/2024;Võ E;0933333333;Có;3;Có",  # 8: no unit
            "P06;Ninh Thạnh;31/02/2024;Huỳnh F;0944444444;Có;3;Có",  # 9: impossible date
            "P07;Ninh Thạnh;08/03/2024;Bùi G;0955555555;;;",  # 10: no answer at all
            "P01;Phường Ninh Thạnh;05/03/2024;Nguyễn Văn A;0912345678;Có;Hài lòng;x",  # 11: copy of row 4
            "P08;Ninh Thạnh;09/03/2024;Đặng H;0966666666;Có;rất hài lòng;Không",  # 12: conflict with 13
            "P08;Ninh Thạnh;09/03/2024;Đặng H;0966666666;Không;rất hài lòng;Không",  # 13
            "P08;Ninh Thạnh;10/03/2023;Đặng I;0977777777;Có;Không áp dụng;Có",  # 14: other year
            "P09;Phường Hòa Thành;10/03/2024;Lý K;0988888888;Có;5;Có",  # 15: unknown unit
            "Tổng cộng: 12 phiếu;;;;;;;",
        ],
    )
    return papi_survey.ingest(tmp_path)


def test_no_folder_or_no_files_is_none(tmp_path):
    assert papi_survey.ingest(tmp_path) is None
    (tmp_path / "papi_survey").mkdir()
    assert papi_survey.ingest(tmp_path) is None


def test_every_row_is_accounted_for(messy):
    account = messy.files[0]
    # 12 data rows (4-15) and the totals line 16 (read, skipped); blank lines are not counted
    assert account.rows_read == 13 and account.lines_skipped == 1
    # quarantined whole: 7, 8, 9, 10 and both copies 12 + 13 = 6; duplicate: 11; ingested: 4, 5, 6, 14, 15
    assert (account.rows_ingested, account.rows_quarantined, account.rows_duplicate) == (5, 6, 1)
    account.check()
    assert account.header_row == 3 and account.demo is False
    assert messy.table["source_row"].tolist() == [4, 5, 6, 14, 15]


def test_answers_become_scale_codes(messy):
    table = messy.table.set_index("source_row")
    assert table.loc[4, ["q01", "q07", "q14"]].tolist() == [1.0, 4.0, 1.0]  # Có, Hài lòng, x
    assert pd.isna(table.loc[5, "q01"]) and table.loc[5, "q07"] == 4 and table.loc[5, "q14"] == 0  # Không biết
    assert pd.isna(table.loc[14, "q07"])  # Không áp dụng is not an answer
    assert pd.isna(table.loc[6, "q07"]) and table.loc[6, "q01"] == 0  # the bad cell only


def test_units_and_dates(messy):
    table = messy.table.set_index("source_row")
    assert table.loc[4, "unit"] == "Ninh Thạnh" and table.loc[5, "unit"] == "Ninh Thạnh"
    assert table.loc[4, "surveyed_on"] == pd.Timestamp("2024-03-05")
    assert table.loc[14, "surveyed_on"].year == 2023
    assert table.loc[15, "unit"] == unknown_value("Phường Hòa Thành")  # kept masked, and listed for the analyst
    assert any(unknown_value("Phường Hòa Thành") in note for note in messy.files[0].notes)


def test_quarantine_reasons_name_row_column_and_value(messy):
    q = messy.quarantine.set_index("row")
    assert q.loc[6, "column"] == "Câu 7" and q.loc[6, "value"] == "7" and "q07" in q.loc[6, "reason"]
    assert q.loc[7, "reason"] == "thiếu mã phiếu"
    assert q.loc[8, "reason"] == "thiếu tên đơn vị"
    assert q.loc[9, "value"] == "31/02/2024" and q.loc[9, "reason"] == "ngày khảo sát không đọc được"
    assert q.loc[10, "reason"] == "phiếu không có câu trả lời nào"
    assert "q01" in q.loc[12, "reason"] and "q01" in q.loc[13, "reason"]  # the answer that differs


def test_personal_data_never_reaches_the_table(messy):
    assert set(messy.table.columns) == set(papi_survey.default_reference().columns)
    text = messy.table.astype("string").fillna("").to_numpy().ravel().tolist()
    assert not any("Nguyễn" in cell or "0912345678" in cell for cell in text)
    assert (
        not messy.quarantine.astype("string")
        .fillna("")
        .apply(lambda column: column.str.contains("0912345678|Nguyễn"))
        .any()
        .any()
    )
    assert messy.files[0].columns["Họ tên"] == "personal"


def test_xlsx_with_excel_dates(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã phiếu", "Đơn vị", "Ngày khảo sát", "C15", "Câu 16"])
    sheet.append(["A1", "UBND phường Ninh Thạnh", datetime(2024, 4, 2), 1, "Có"])
    # serial: 2024-01-01 is 45292; + 31 (Jan) + 29 (Feb) + 31 (Mar) = 45383 = 1 April; 45385 = 3 April
    sheet.append(["A2", "UBND phường Ninh Thạnh", 45385, 0, None])
    (tmp_path / "papi_survey").mkdir()
    book.save(tmp_path / "papi_survey" / "survey.xlsx")
    result = papi_survey.ingest(tmp_path)
    assert result.table["surveyed_on"].dt.strftime("%Y-%m-%d").tolist() == ["2024-04-02", "2024-04-03"]
    assert result.table["q15"].tolist() == [1.0, 0.0]
    assert result.table["q01"].isna().all()  # a question the file does not ask


def test_file_without_question_columns(tmp_path):
    write_csv(tmp_path, "no_questions.csv", ["Mã phiếu;Đơn vị;Ngày khảo sát;Ghi chú", "A1;Ninh Thạnh;01/03/2024;x"])
    with pytest.raises(IngestError, match=r"no_questions.csv: no question column recognised"):
        papi_survey.ingest(tmp_path)


def test_file_without_the_unit_column(tmp_path):
    write_csv(tmp_path, "no_unit.csv", ["Mã phiếu;Ngày khảo sát;Câu 1", "A1;01/03/2024;Có"])
    with pytest.raises(IngestError, match=r"no_unit.csv.*required column\(s\) missing: unit"):
        papi_survey.ingest(tmp_path)


@pytest.mark.e2e
def test_demo_file(tmp_path):
    written = demo.write(tmp_path)
    assert [p.name for p in written] == ["demo_papi_survey_ninh_thanh_2024.xlsx"]
    first = hashlib.sha256(written[0].read_bytes()).hexdigest()
    assert hashlib.sha256(demo.write(tmp_path)[0].read_bytes()).hexdigest() == first  # deterministic
    result = papi_survey.ingest(tmp_path)
    account = result.files[0]
    # 200 forms + 1 typed twice; the form without a date is quarantined, the "7" only loses its cell
    assert (account.rows_read, account.rows_ingested, account.rows_duplicate, account.rows_quarantined) == (
        202,
        199,
        1,
        1,
    )  # rows read include the skipped totals line
    assert account.demo is True and set(result.table["unit"]) == {"Ninh Thạnh"}
    assert set(result.table["surveyed_on"].dt.year) == {2024}
    assert len(result.quarantine) == 2
