"""Personal data planted in kept and quoted cells of every source: after ingest it is nowhere in the processed
layer (every parquet cell, the manifest), and the manifest counts what was masked per file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.ingest import runner
from analysis.reference.par import read_sets

NAME = "Trần Thị Bưởi"
PHONES = ["0912345678", "0987 654 321", "0903.111.222", "+84 913 222 333", "84914555666"]
CCCD, CMND, EMAIL = "079123456789", "271234567", "buoi.tran@gmail.com"
# What must not be found anywhere: each value as planted, its digits, and the name's rare word.
PLANTED = [NAME, "Bưởi", CCCD, CMND, EMAIL, *PHONES, *("".join(ch for ch in p if ch.isdigit())[-9:] for p in PHONES)]


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def one_stop_lines() -> list[str]:
    header = "Mã hồ sơ;Đơn vị;Tên thủ tục;Lĩnh vực;Ngày tiếp nhận;Ngày hẹn trả;Ngày trả kết quả;Trạng thái;Kênh nộp"
    return [
        header,
        (
            f"H1;Ninh Thạnh;Khai sinh (gọi {PHONES[0]});Hộ tịch;02/01/2024;05/01/2024;04/01/2024;Đã trả kết quả;"
            "Trực tiếp"
        ),  # phone in the procedure name
        f"H2;Ninh Thạnh;Chứng thực;{EMAIL};02/01/2024;05/01/2024;04/01/2024;Đã trả kết quả;Trực tiếp",
        (f"H3;Ninh Thạnh;Chứng thực CCCD {CCCD};Chứng thực;02/01/2024;05/01/2024;04/01/2024;Đã trả kết quả;Trực tiếp"),
        (
            f"H4;Ninh Thạnh;Chứng thực;Chứng thực;02/01/2024;05/01/2024;04/01/2024;Đã trả cho {NAME} {PHONES[1]};"
            "Trực tiếp"
        ),  # unknown status: quarantined
        (
            f"H5;{NAME} {PHONES[2]};Chứng thực;Chứng thực;02/01/2024;05/01/2024;04/01/2024;Đã trả kết quả;Trực tiếp"
        ),  # unknown unit: kept, masked
        f"H6;Ninh Thạnh;Chứng thực;Chứng thực;02/01/2024;05/01/2024;04/01/2024;Đã trả kết quả;{NAME}",
        f"H7;Ninh Thạnh;Chứng thực;Chứng thực;{NAME};05/01/2024;04/01/2024;Đã trả kết quả;Trực tiếp",
        f"Người lập biểu: {NAME} {PHONES[3]}",
    ]  # footer line


def sipas_lines() -> list[str]:
    return [
        "Mã phiếu,Đơn vị,Ngày khảo sát,Nghề nghiệp,Lĩnh vực,Hình thức nộp,Câu 1,Câu 2",
        f"1,Ninh Thạnh,05/03/2024,Kinh doanh {EMAIL},Hộ tịch,Trực tiếp,5,4",
        f"2,Ninh Thạnh,05/03/2024,Nông dân,Hộ tịch CMND {CMND},{NAME},5,4",
        f"3,Ninh Thạnh,05/03/2024,Nông dân,Hộ tịch,Trực tiếp,Gọi lại {PHONES[4]},{NAME}",
        f"4,{NAME},05/03/2024,Nông dân,Hộ tịch,Trực tiếp,5,4",
    ]


def par_lines() -> list[str]:
    leaf = next(
        code for code, is_leaf in zip(read_sets()[2024].tree["code"], read_sets()[2024].tree["is_leaf"]) if is_leaf
    )
    return [
        "Đơn vị;Năm;Mã tiêu chí;Điểm tự đánh giá;Ghi chú",
        f"Ninh Thạnh;2024;{leaf};0,5;Đầu mối: ĐT {PHONES[0]}, {EMAIL}",  # a name in free text: no pattern
        f"{NAME};2024;{leaf};0,5;",
        f"Ninh Thạnh;2024;{leaf}.9;{NAME};",
    ]


def papi_lines() -> list[str]:
    return [
        "Số phiếu;Phường/xã;Ngày phỏng vấn;Câu 1;Câu 7;Q14",
        "P01;Ninh Thạnh;05/03/2024;Có;Hài lòng;x",
        f"P02;Ninh Thạnh;05/03/2024;{NAME} {PHONES[1]};4;Không",
        f"P03;{NAME};06/03/2024;Có;4;Không",
    ]


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    write(raw / "one_stop" / "hoso.csv", one_stop_lines())
    write(raw / "sipas" / "phieu.csv", sipas_lines())
    write(raw / "par_index" / "diem.csv", par_lines())
    write(raw / "papi_survey" / "khaosat.csv", papi_lines())
    out = tmp_path_factory.mktemp("processed")
    runner.run(raw, out)
    return out


def every_cell(folder: Path) -> str:
    """All of the processed layer as text: every cell of every parquet file, and the manifest."""
    tables = [pd.read_parquet(path).astype(str).to_csv() for path in sorted(folder.glob("*.parquet"))]
    return "\n".join([*tables, (folder / "manifest.json").read_text(encoding="utf-8")])


def test_planted_values_are_nowhere_in_the_processed_layer(processed):
    text = every_cell(processed)
    assert len(list(processed.glob("*.parquet"))) == 8  # four sources, table and quarantine each
    found = [value for value in PLANTED if value in text]
    assert found == []
    assert "[đã ẩn số điện thoại]" in text and "[đã ẩn email]" in text and "[đã ẩn số định danh]" in text


def test_masked_values_are_counted_per_file(processed):
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    masked = {f["file"]: f["personal_masked"] for f in manifest["files"]}
    # one_stop: the phone in H1's procedure name, the e-mail in H2's field, the CCCD in H3's procedure name;
    # the status of H4, the unit of H5 and the footer's "<name> <phone>" are masked whole (unknown_value), so
    # their phones are never seen as text.
    assert masked["one_stop/hoso.csv"] == {"email": 1, "id_number": 1, "phone": 1}
    # sipas: e-mail in an occupation, CMND in a field (both kept); the phone answer and the name are unknown
    # answers, quoted masked whole; the unknown unit too.
    assert masked["sipas/phieu.csv"] == {"email": 1, "id_number": 1}
    assert masked["par_index/diem.csv"] == {"email": 1, "phone": 1}  # the evidence note
    assert masked["papi_survey/khaosat.csv"] == {}


def test_unknown_values_are_kept_masked_with_their_count(processed):
    one_stop = pd.read_parquet(processed / "one_stop.parquet")
    quarantine = pd.read_parquet(processed / "one_stop_quarantine.parquet")
    assert one_stop.loc[one_stop["dossier_id"] == "H5", "unit"].item().startswith("Trầ…[")
    assert sorted(quarantine["record_id"]) == ["H4", "H6", "H7"]
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    notes = next(f["notes"] for f in manifest["files"] if f["file"] == "one_stop/hoso.csv")
    assert any(
        note.startswith("đơn vị không có trong units.csv: 'Trầ…[") and "(1 dòng, từ dòng 6;" in note for note in notes
    )


@pytest.mark.parametrize(
    "notebook, parameters",
    [
        ("00_data_quality.ipynb", {"period": "2024Q1"}),
        ("10_service_index.ipynb", {"unit": "Ninh Thạnh", "period": "2024Q1"}),
        ("20_sipas.ipynb", {"unit": "Ninh Thạnh", "period": "2024Q1"}),
    ],
)
def test_planted_values_are_nowhere_in_the_executed_notebooks(processed, tmp_path, notebook, parameters):
    from tests.backtests import helpers

    out = tmp_path / notebook
    nb = helpers.execute(notebook, out, processed_dir=str(processed), **parameters)
    assert helpers.errors(nb) == []
    text = out.read_text(encoding="utf-8")  # the whole .ipynb: HTML, plain text and any data in it
    assert [value for value in PLANTED if value in text] == []


def test_the_data_quality_tables_show_skipped_lines_and_masked_counts(processed):
    from analysis import store
    from analysis.report import quality

    manifest = store.read_manifest(processed)
    skipped = quality.skipped_lines(manifest)
    assert skipped[["file", "row", "kind"]].values.tolist() == [["one_stop/hoso.csv", 9, "dòng tổng cộng / ký tên"]]
    assert skipped["text"].item().startswith("Người lập") and "Bưởi" not in skipped["text"].item()
    masked = quality.personal_masked(manifest)
    one_stop = masked[masked["file"] == "one_stop/hoso.csv"].set_index("kind")["values"].to_dict()
    assert one_stop == {"địa chỉ email": 1, "số CCCD/CMND": 1, "số điện thoại": 1}
    assert quality.doubtful_dates(manifest).empty
