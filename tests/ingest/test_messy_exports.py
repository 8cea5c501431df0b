"""Exports made to look like real ones (issue 9 §3, §4, §6): rows that must not disappear, dates a reader would
question, two-row headers, SIPAS TRUE/FALSE answers, unit folders that collide, files that cannot be opened."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.errors import IngestError, ReferenceFileError
from analysis.indicators.timeliness import classify
from analysis.ingest import one_stop, sipas
from analysis.periods import Period
from analysis.reference import units

HEADER = ["Mã hồ sơ", "Tên thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái"]


def xlsx(path: Path, rows: list[list[object]], merge: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(";".join(row) for row in rows), encoding="utf-8-sig")
    return path


def dossier(n: int, name: str = "Chứng thực bản sao", day: int = 2) -> list[object]:
    return [
        f"H{n}",
        name,
        datetime(2024, 1, day, 8),
        datetime(2024, 1, day + 3),
        datetime(2024, 1, day + 2),
        "Đã trả kết quả",
    ]


def ingest(raw: Path):
    result = one_stop.ingest(raw)
    for account in result.files:
        account.check()
    return result


# ---------------------------------------------------------------- §3 rows that disappear


def test_mid_file_subtotal_does_not_eat_the_rows_after_it(tmp_path):
    rows = [
        ["UBND PHƯỜNG NINH THẠNH"],
        HEADER,
        *(dossier(n) for n in range(1, 4)),
        ["Tổng cộng lĩnh vực Chứng thực: 3", None, None, None, None, 3],
        *(dossier(n) for n in range(4, 10)),
        ["Tổng cộng", None, None, None, None, 9],
        ["Người lập biểu"],
        ["Nguyễn Văn Ký"],
    ]
    xlsx(tmp_path / "one_stop" / "ds.xlsx", rows)
    result = ingest(tmp_path)
    (account,) = result.files
    assert result.table["dossier_id"].tolist() == [f"H{n}" for n in range(1, 10)]  # the 6 after the subtotal
    # 9 dossiers + 4 skipped lines = 13 rows read under the header
    assert (account.rows_read, account.rows_ingested, account.lines_skipped) == (13, 9, 4)
    assert [(line["row"], line["kind"]) for line in account.skipped_lines] == [
        (6, "dòng tổng cộng / ký tên"),
        (13, "dòng tổng cộng / ký tên"),
        (14, "dòng tổng cộng / ký tên"),
        (15, "dòng sau cuối bảng"),
    ]
    assert account.skipped_lines[0]["text"].startswith("Tổng cộng")
    assert "Nguyễn Văn Ký" not in str(account.skipped_lines)


@pytest.mark.parametrize(
    "first",
    [
        "Cộng đồng dân cư: xác nhận",
        "Tổng số hồ sơ đăng ký",
        "TM. Ban chỉ đạo",
        "GIÁM ĐỐC xác nhận",
        "Ngày 10 tháng 1 năm 2024 tiếp nhận",
        "Ghi chú bổ sung",
    ],
)
def test_a_complete_dossier_is_data_whatever_its_first_cell_says(tmp_path, first):
    header = ["Tên thủ tục", "Mã hồ sơ", "Ngày tiếp nhận", "Trạng thái"]
    rows = [
        ["UBND PHƯỜNG NINH THẠNH"],
        header,
        ["Khai sinh", "H1", "02/01/2024", "Đã trả kết quả"],
        [first, "H2", "03/01/2024", None],  # sparse, but an id and a valid received date
        [first, "H3", "04/01/2024", "Đã trả kết quả"],
        ["Tổng cộng: 3"],
    ]
    csv_file(tmp_path / "one_stop" / "ds.csv", [[c or "" for c in row] for row in rows])
    result = ingest(tmp_path)
    assert result.table["dossier_id"].tolist() == ["H1", "H2", "H3"]
    assert result.files[0].lines_skipped == 1


def test_group_rows_are_recognised_and_their_field_carried_down(tmp_path):
    rows = [
        ["UBND PHƯỜNG NINH THẠNH"],
        HEADER,
        dossier(1),
        ["Lĩnh vực: Hộ tịch"],
        dossier(2, "Đăng ký khai sinh"),
        dossier(3, "Đăng ký kết hôn"),
        ["II. LĨNH VỰC CHỨNG THỰC"],
        dossier(4),
    ]
    xlsx(tmp_path / "one_stop" / "ds.xlsx", rows)
    result = ingest(tmp_path)
    assert result.quarantine.empty  # group rows are no dossiers "thiếu mã hồ sơ"
    assert result.table["field"].tolist() == [None, "Hộ tịch", "Hộ tịch", "CHỨNG THỰC"] or result.table["field"].fillna(
        "-"
    ).tolist() == ["-", "Hộ tịch", "Hộ tịch", "CHỨNG THỰC"]
    (account,) = result.files
    assert [line["kind"] for line in account.skipped_lines] == ["dòng nhóm lĩnh vực"] * 2
    assert (account.rows_read, account.rows_ingested) == (6, 4)


# ---------------------------------------------------------------- §4 dates a reader would question


def test_impossible_dates_are_flagged_counted_and_left_out_of_timeliness(tmp_path):
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái"]
    rows = [
        ["UBND PHƯỜNG NINH THẠNH"],
        header,
        ["OK", "10/01/2024", "15/01/2024", "12/01/2024", "Đã trả kết quả"],
        ["BACK", "10/01/2024", "15/01/2024", "04/01/2024", "Đã trả kết quả"],  # returned 6 days before
        ["DUE", "10/01/2024", "05/01/2024", "12/01/2024", "Đã trả kết quả"],  # due before received
        ["OLD", "10/01/1999", "15/01/1999", "12/01/1999", "Đã trả kết quả"],  # before 2000
        ["LATER", "10/01/2024", "15/01/2024", "12/01/2099", "Đã trả kết quả"],
    ]  # after the day of ingest
    csv_file(tmp_path / "one_stop" / "ds.csv", rows)
    result = ingest(tmp_path)
    table = result.table.set_index("dossier_id")
    assert table["date_doubtful"].to_dict() == {"OK": False, "BACK": True, "DUE": True, "OLD": True, "LATER": True}
    assert result.files[0].doubtful_dates == 4
    flags = classify(result.table, Period.parse("2024-01"))
    assert list(result.table.loc[flags.index, "dossier_id"]) == ["OK"]  # no −6-day handling time, no late
    assert (flags["handling_days"].dropna() >= 0).all()


def test_a_csv_in_us_order_is_read_month_first_with_a_note(tmp_path):
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày trả kết quả"]
    csv_file(
        tmp_path / "one_stop" / "ninh-thanh" / "us.csv",
        [header, ["A", "01/02/2024", "01/05/2024"], ["B", "01/25/2024", "01/26/2024"]],
    )  # 25 settles it
    result = ingest(tmp_path)
    assert result.table["received_at"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-25")]
    assert any("tháng/ngày/năm" in note for note in result.files[0].notes)


def test_a_csv_that_cannot_settle_the_order_and_reads_wrong_day_first_is_refused(tmp_path):
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày trả kết quả"]
    # month first these are 2-3 days each; day first every one is returned before it was received
    csv_file(
        tmp_path / "one_stop" / "ninh-thanh" / "us.csv",
        [
            header,
            ["A", "01/10/2024", "02/01/2024"],
            ["B", "03/10/2024", "03/12/2024"],
            ["C", "04/11/2024", "05/01/2024"],
        ],
    )
    with pytest.raises(IngestError, match=r"^one_stop/ninh-thanh/us.csv: every date could be day/month"):
        one_stop.ingest(tmp_path)


def test_a_day_first_csv_without_a_day_above_12_is_read_day_first_silently(tmp_path):
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày trả kết quả"]
    csv_file(tmp_path / "one_stop" / "ninh-thanh" / "vn.csv", [header, ["A", "02/01/2024", "05/01/2024"]])
    result = ingest(tmp_path)
    assert result.table["received_at"].tolist() == [pd.Timestamp("2024-01-02")]
    assert not any("ngày/tháng" in note or "tháng/ngày" in note for note in result.files[0].notes)


def test_a_two_row_header_is_read_as_one(tmp_path):
    rows = [
        ["UBND PHƯỜNG NINH THẠNH"],
        ["Mã hồ sơ", "Tên thủ tục", "Ngày", None, None, "Trạng thái"],
        [None, None, "Tiếp nhận", "Hẹn trả", "Trả", None],
        dossier(1),
    ]
    xlsx(tmp_path / "one_stop" / "ds.xlsx", rows, merge="C2:E2")
    result = ingest(tmp_path)
    (account,) = result.files
    assert account.header_row == 3
    assert set(account.columns.values()) >= {"dossier_id", "received_at", "due_at", "returned_at", "status"}
    row = result.table.iloc[0]
    assert (row["received_at"], row["due_at"], row["returned_at"]) == (
        pd.Timestamp("2024-01-02 08:00"),
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-01-04"),
    )


def test_a_two_row_header_that_cannot_be_read_as_one_is_refused_by_name(tmp_path):
    rows = [
        ["UBND PHƯỜNG NINH THẠNH"],
        ["Mã hồ sơ", "Ngày tiếp nhận", "Thời hạn", None, "Trạng thái"],
        [None, None, "Hẹn", "Thực tế", None],
        ["H1", datetime(2024, 1, 2), datetime(2024, 1, 5), datetime(2024, 1, 4), "Đã trả kết quả"],
    ]
    xlsx(tmp_path / "one_stop" / "ds.xlsx", rows, merge="C2:D2")
    with pytest.raises(
        IngestError, match=r"^one_stop/ds.xlsx \(sheet 'Sheet'\): the header seems to span rows 2-3 .*'Thực tế'"
    ):
        one_stop.ingest(tmp_path)


# ---------------------------------------------------------------- §6 smaller ones


def test_sipas_true_false_answers_are_set_aside_not_read_as_1(tmp_path):
    xlsx(
        tmp_path / "sipas" / "ninh-thanh" / "phieu.xlsx",
        [
            ["Mã phiếu", "Ngày khảo sát", "Câu 1", "Câu 2"],
            [1, datetime(2024, 3, 5), 1, True],
            [2, datetime(2024, 3, 5), False, 0],
            [3, datetime(2024, 3, 5), 5, 4],
        ],
    )
    result = sipas.ingest(tmp_path)
    table = result.table.set_index("form_id")
    assert table.loc["1", "E1.1"] == 1 and pd.isna(table.loc["1", "E1.2"])  # the real 1 stays, TRUE is no answer
    assert pd.isna(table.loc["2", "E1.1"])
    bad = result.quarantine.sort_values("row")
    assert list(zip(bad["row"], bad["column"])) == [(2, "Câu 2"), (3, "Câu 1")]


def test_sipas_true_false_is_not_a_channel_code(tmp_path):
    xlsx(
        tmp_path / "sipas" / "ninh-thanh" / "phieu.xlsx",
        [
            ["Mã phiếu", "Ngày khảo sát", "Hình thức nộp", "Câu 1"],
            [1, datetime(2024, 3, 5), 1, 5],
            [2, datetime(2024, 3, 5), True, 5],
        ],
    )
    table = sipas.ingest(tmp_path).table.set_index("form_id")
    assert table.loc["1", "channel"] == "direct" and pd.isna(table.loc["2", "channel"])


@pytest.mark.parametrize(
    "name, problem",
    [
        ("Thành phố", "folder 'thanh-pho'"),
        ("***", "empty folder name"),
        ("Ninh  Thạnh!", "already used by 'Ninh Thạnh'"),
    ],
)
def test_unit_slugs_that_collide_are_refused_in_units_csv(tmp_path, name, problem):
    path = tmp_path / "units.csv"
    path.write_text(
        f"unit,kind,display,aliases\nNinh Thạnh,phường,Phường Ninh Thạnh,\n{name},phường,{name},\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceFileError, match=r"^units.csv: row 3, column .unit.: .*" + problem):  # file line 3
        units.all_units(path)


@pytest.mark.parametrize("source, name", [("one_stop", "ds.csv"), ("sipas", "phieu.csv")])
def test_an_unreadable_file_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, source, name):
    path = csv_file(tmp_path / "raw" / source / "ninh-thanh" / name, [["Mã hồ sơ", "Ngày tiếp nhận"]])
    real_open, real_read = Path.open, Path.read_bytes

    def refuse(self: Path) -> None:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", lambda self, *a, **k: refuse(self) or real_open(self, *a, **k))
    monkeypatch.setattr(Path, "read_bytes", lambda self: refuse(self) or real_read(self))
    code = main(["ingest", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [
        (
            f"error: {source}/ninh-thanh/{name}: cannot be opened (Permission denied); "
            "check that the file is not open elsewhere and that you may read it"
        )
    ]


def test_doubtful_flags_never_make_a_negative_handling_time_on_the_demo_shape():
    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2024-01-10", "2024-01-10"]),
            "returned_at": pd.to_datetime(["2024-01-04", "2024-01-12"]),
        }
    )
    assert one_stop.doubtful_dates(frame, pd.Timestamp("2024-06-01")).tolist() == [True, False]
    assert np.issubdtype(frame["received_at"].dtype, np.datetime64)
