"""The one-stop demo export set: deterministic, every unit and quarter, realistic shapes, and the planted defects
surface in ingest exactly as planted."""

from __future__ import annotations

import hashlib
import time

import pandas as pd
import pytest

from analysis.demo import one_stop as demo
from analysis.ingest import one_stop, runner
from analysis.reference import units

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_set(demo_export_set):
    raw, written = demo_export_set
    files = [p for p in written if p.is_relative_to(raw / "one_stop")]
    started = time.perf_counter()
    result = one_stop.ingest(raw)
    print(f"\ndemo one_stop: ingest {time.perf_counter() - started:.1f} s, {len(result.table)} dossiers")
    return raw, files, result


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_runs_are_byte_identical(demo_set, tmp_path):
    raw, files, _ = demo_set
    again = demo.write(tmp_path)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(raw) for p in files]
    assert [digest(p) for p in again] == [digest(p) for p in files]


def test_files_are_demo_named_in_real_shapes(demo_set):
    raw, files, result = demo_set
    assert all(p.name.startswith("demo_") and p.parent.is_relative_to(raw / "one_stop") for p in files)
    assert {p.suffix for p in files} == {".xlsx", ".csv", ".txt"}
    assert (raw / "one_stop" / "thanh-tan" / "demo_thanh-tan_2024.csv").exists()  # unit from the folder
    assert all(account.demo for account in result.files)
    assert (raw / "one_stop" / "demo_phuong-iv_2024.txt").read_bytes()[:2] == b"\xff\xfe"  # UTF-16 LE BOM
    header_rows = {a.file: a.header_row for a in result.files}
    assert header_rows["one_stop/demo_ninh-thanh_2023.xlsx"] == 6  # four title lines and a blank above
    assert header_rows["one_stop/thanh-tan/demo_thanh-tan_2023.csv"] == 1
    sheets = {a.file: a.sheet for a in result.files}
    assert sheets["one_stop/demo_phuong-2_2024.xlsx"] == "Danh sách hồ sơ"  # the second sheet
    for account in result.files:
        account.check()
        # totals and signature lines are read and skipped; the blank lines around them are counted apart
        assert account.lines_skipped + account.blank_lines >= (0 if account.file.endswith(".csv") else 8)


def test_every_unit_every_quarter_with_a_ward_desk_volume(demo_set):
    _, _, result = demo_set
    table = result.table
    per_quarter = table.groupby(["unit", table["received_at"].dt.to_period("Q")]).size()
    assert set(per_quarter.index.get_level_values(0)) == {u.unit for u in units.all_units()}
    assert len(per_quarter) == 10 * 8
    assert per_quarter.between(1300, 3300).all(), per_quarter.describe()
    by_unit = per_quarter.groupby(level=0).mean()
    assert by_unit.idxmax() == "Ninh Thạnh"


def test_realistic_mix_and_trends(demo_set):
    _, _, result = demo_set
    table = result.table
    year = table["received_at"].dt.year
    assert table["field"].value_counts(normalize=True).index[0] == "Chứng thực"
    assert {"Hộ tịch", "Đất đai", "Xây dựng", "Bảo trợ xã hội"} <= set(table["field"])
    assert table["procedure_code"].str.fullmatch(r"[12]\.\d{6}").all()
    online = (table["channel"] == "online").groupby([table["unit"], year]).mean().unstack()
    assert (online[2024] > online[2023]).all()  # the online share rises everywhere
    late = table["returned_at"].dt.normalize() > table["due_at"].dt.normalize()
    nt = table["unit"] == "Ninh Thạnh"
    assert late[nt & (year == 2024)].mean() < late[nt & (year == 2023)].mean() / 2  # Ninh Thạnh improving
    assert set(table["status_code"].dropna().astype(int)) >= {3, 4, 5, 7, 8, 9, 10}
    apology_share = table.loc[late, "apology_issued"].mean()
    assert 0.5 < apology_share < 1.0  # most, not all, late dossiers have an apology letter
    assert table.loc[table["channel"] == "post"].shape[0] > 0
    for column in ["supplement_requests", "e_result", "paid_online", "digitised", "rating", "complaint"]:
        assert table[column].notna().any(), column
    assert table["complaint"].sum() > 0 and (table["supplement_requests"] > 0).sum() > 0


def test_a_unit_whose_old_template_lacks_the_apology_column(demo_set):
    _, _, result = demo_set
    table = result.table
    ninh_son = table[table["unit"] == "Ninh Sơn"]
    assert ninh_son.loc[ninh_son["received_at"].dt.year == 2023, "apology_issued"].isna().all()
    assert ninh_son.loc[ninh_son["received_at"].dt.year == 2024, "apology_issued"].notna().all()


def test_planted_defects_show_up_as_planted(demo_set):
    _, _, result = demo_set
    q = result.quarantine
    reasons = q["reason"].tolist()
    assert len(q) == 4
    assert q.loc[q["file"] == "one_stop/demo_phuong-2_2024.xlsx", "reason"].tolist() == [
        "thiếu mã hồ sơ (cột 'Số hồ sơ')"
    ]
    assert q.loc[q["file"] == "one_stop/demo_phuong-iv_2024.txt", "reason"].tolist() == [
        "ngày tiếp nhận không đọc được: '31/02/2024 08:00:00' (cột 'Ngày nhận\nhồ sơ')"
    ]
    conflict = [r for r in reasons if r.startswith("mã hồ sơ trùng nhưng khác nhau ở: Ngày trả kết quả, Trạng thái")]
    assert len(conflict) == 2
    accounts = {a.file: a for a in result.files}
    assert accounts["one_stop/demo_phuong-3_2024.xlsx"].rows_duplicate == 1
    assert (
        "1 dòng trùng hoàn toàn với hồ sơ đã có trong cùng tệp (chỉ giữ một bản)"
        in accounts["one_stop/demo_phuong-3_2024.xlsx"].notes
    )
    second_half = accounts["one_stop/demo_ninh-thanh_2024-h2.xlsx"]
    assert second_half.rows_duplicate > 100  # the overlapping week, read once
    assert any("ở tệp one_stop/demo_ninh-thanh_2024-h1.xlsx" in note for note in second_half.notes)
    assert result.table["dossier_id"].is_unique


def test_fake_personal_data_is_in_the_exports_and_nowhere_after_ingest(demo_set, tmp_path):
    raw, _, result = demo_set
    sync = pd.read_csv(raw / "one_stop" / "thanh-tan" / "demo_thanh-tan_2023.csv", dtype=str)
    name, phone, id_number = sync.loc[0, ["ChuHoSo", "SoDienThoai", "SoDinhDanh"]]
    assert phone.startswith("09") and id_number.startswith("000") and name[-6:].isdigit()  # clearly fake
    runner.write_results([result], tmp_path, raw)
    for file in ["one_stop.parquet", "one_stop_quarantine.parquet", "manifest.json"]:
        data = (tmp_path / file).read_bytes()
        for secret in (name, phone, id_number, "đường Demo"):
            assert secret.encode() not in data, (file, secret)
