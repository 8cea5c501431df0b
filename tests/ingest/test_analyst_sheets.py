"""plan_progress and manual_figures through the analysts' sheet reader, on messy hand-made sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import IngestError
from analysis.ingest import manual_figures, plan_progress
from analysis.ingest.analyst_sheet import write_template


def write(path: Path, rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False)


def test_plan_progress_accounts_for_every_row_and_masks_personal_data(tmp_path):
    write(
        tmp_path / "plan_progress" / "tien_do.xlsx",
        [
            ["Đơn vị", "Mã nhiệm vụ", "Quý", "Tình trạng", "Văn bản chứng minh", "Ghi chú"],
            ["Phường Ninh Thạnh", "II.2.3.a", "Quý IV/2024", "Đã thực hiện", "Số 12/BC-UBND ngày 05/10/2024", None],
            ["Ninh Thạnh", "II.2.8.d", "2024Q4", "đang thực hiện", None, "gọi chị Lan 0912 345 678"],
            ["Ninh Thạnh", "II.2.8.d", "2024Q4", "đang thực hiện", None, "gọi chị Lan 0912 345 678"],  # duplicate
            ["Ninh Thạnh", "II.1.4.a", "2024Q3", "Đã thực hiện", "Số 3/BC", None],
            ["Ninh Thạnh", "II.1.4.a", "2024Q3", "Chưa thực hiện", None, None],  # conflicts with the row above
            ["Nguyễn Văn A", "II.2.3.a", "2024Q4", "Đã thực hiện", None, None],  # not a unit: a name
            ["Ninh Thạnh", "II.9.9", "2024Q4", "Đã thực hiện", None, None],
            ["Ninh Thạnh", "II.2.1.a", "quý 5", "Đã thực hiện", None, None],
            ["Ninh Thạnh", "II.2.1.a", "2024Q2", "xong rồi", None, None],
        ],
    )
    result = plan_progress.ingest(tmp_path)
    account = result.files[0]
    assert (account.rows_read, account.rows_ingested, account.rows_quarantined, account.rows_duplicate) == (9, 2, 6, 1)
    table = result.table.set_index("task")
    assert table.loc["II.2.3.a", "period"] == "2024Q4" and table.loc["II.2.3.a", "status"] == "done"
    assert table.loc["II.2.8.d", "note"] == "gọi chị Lan [đã ẩn số điện thoại]"
    reasons = result.quarantine.set_index("row")["reason"]
    assert reasons[5].startswith("cùng Đơn vị, Mã nhiệm vụ, Quý") and reasons[6] == reasons[5]
    assert reasons[7].startswith("đơn vị không có trong units.csv: 'Ngu…[12 ký tự #")
    assert reasons[8] == "nhiệm vụ không có trong Kế hoạch (plan/tasks.csv): 'II.9.9'"
    assert reasons[9] == "Quý không đọc được: 'quý 5'" and reasons[10] == "Tình trạng không đọc được: 'xong rồi'"
    everything = " ".join(str(v) for frame in (result.table, result.quarantine) for v in frame.to_numpy().ravel())
    assert "0912" not in everything and "Nguyễn Văn A" not in everything
    assert account.personal_masked == {"phone": 1}  # the duplicate row is not kept, so one phone is masked


def test_manual_figures_checks_numbers_and_reads_a_template_it_wrote(tmp_path):
    template = write_template(manual_figures.SPEC, tmp_path / "manual_figures" / "mau.xlsx")
    assert manual_figures.ingest(tmp_path).table.empty  # the empty template reads as no rows, not an error
    template.unlink()
    write(
        tmp_path / "manual_figures" / "so_lieu.xlsx",
        [
            ["Đơn vị", "Quý", "Mã chỉ tiêu", "Tử số (số đạt)", "Mẫu số (tổng số)", "Văn bản chứng minh"],
            ["Ninh Thạnh", "2024Q4", "1", 118, 120, "Báo cáo 45/BC-UBND"],
            ["Ninh Thạnh", "2024Q4", "5.1", "7", None, None],
            ["Ninh Thạnh", "2024Q4", "1.1", 130, 120, None],
            ["Ninh Thạnh", "2024Q4", "1.2", "-3", None, None],
            ["Ninh Thạnh", "2024Q4", "1.3", 0, 0, None],
        ],
    )
    result = manual_figures.ingest(tmp_path)
    assert result.table["code"].tolist() == ["1", "5.1"] and result.table["denominator"].iloc[0] == 120
    assert result.table["numerator"].tolist() == [118, 7] and pd.isna(result.table["denominator"].iloc[1])
    reasons = result.quarantine["reason"].tolist()
    assert reasons == ["tử số lớn hơn mẫu số", "Tử số (số đạt) không đọc được: '-3'", "mẫu số bằng 0"]
    assert set(result.table.columns) >= {"unit", "period", "code", "numerator", "denominator"}


def test_a_sheet_without_the_required_columns_names_the_file(tmp_path):
    write(tmp_path / "manual_figures" / "sai.xlsx", [["Đơn vị", "Quý", "Ghi chú"], ["Ninh Thạnh", "2024Q4", "x"]])
    with pytest.raises(IngestError, match=r"manual_figures/sai.xlsx.*required column\(s\) missing"):
        manual_figures.ingest(tmp_path)


def test_the_template_command_writes_a_sheet_the_reader_accepts_and_never_overwrites(tmp_path, capsys):
    from analysis.__main__ import main

    out = tmp_path / "plan_progress" / "mau.xlsx"
    assert main(["template", "plan-progress", "--out", str(out)]) == 0
    assert pd.read_excel(out, engine="calamine").columns.tolist() == [
        "Đơn vị",
        "Mã nhiệm vụ",
        "Quý",
        "Tình trạng",
        "Văn bản chứng minh",
        "Ghi chú",
    ]
    assert plan_progress.ingest(tmp_path).files[0].rows_read == 0
    assert main(["template", "plan-progress", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
