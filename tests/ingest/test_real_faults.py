"""Issue 20 §1: exports and inputs that stopped the batch or were read wrong (Excel serial dates with a time,
a supplement count of -1, periods outside any plausible year, a long cell the e-mail pattern took seconds on,
"$…$" in a name drawn as a formula)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt

from analysis.ingest import one_stop
from analysis.periods import Period, PeriodError
from analysis.readers.scrub import scrub_text

HEADER = ["Mã hồ sơ", "Tên thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái"]
# 45582 days after 1899-12-30 is 2024-10-17; .534722 of a day is 12:49:59.98, written by Excel as 12:50.
SERIAL, WHEN = 45582.534722, datetime(2024, 10, 17, 12, 50)


def rows(received: object) -> list[list[object]]:
    return [HEADER, ["H1", "Chứng thực", received, 45585, 45584, "Đã trả kết quả"]]


def write_xlsx(path: Path, received: object) -> None:
    book = openpyxl.Workbook()
    for row in rows(received):
        book.active.append(row)
    book.save(path)


def write_xls(path: Path, received: object) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows(received)):
        for c, cell in enumerate(row):
            sheet.write(r, c, cell)
    book.save(str(path))


def write_csv(path: Path, received: object) -> None:
    path.write_text("\n".join(";".join(str(c) for c in row) for row in rows(received)), encoding="utf-8")


@pytest.mark.parametrize("suffix, write", [(".xlsx", write_xlsx), (".xls", write_xls), (".csv", write_csv)])
def test_an_excel_serial_with_a_time_is_read_as_that_moment(tmp_path, suffix, write):
    folder = tmp_path / "one_stop" / "ninh-thanh"
    folder.mkdir(parents=True)
    write(folder / f"hoso{suffix}", SERIAL)
    result = one_stop.ingest(tmp_path)
    assert result.quarantine.empty
    row = result.table.iloc[0]
    assert row["received_at"] == pd.Timestamp(WHEN)
    assert (row["due_at"], row["returned_at"]) == (pd.Timestamp(2024, 10, 20), pd.Timestamp(2024, 10, 19))


def test_a_negative_supplement_count_is_quarantined_not_read_as_one(tmp_path):
    folder = tmp_path / "one_stop" / "ninh-thanh"
    folder.mkdir(parents=True)
    lines = [
        ";".join([*HEADER, "Số lần yêu cầu bổ sung"]),
        "H1;Chứng thực;02/01/2024;05/01/2024;04/01/2024;Đã trả kết quả;-1",
        "H2;Chứng thực;02/01/2024;05/01/2024;04/01/2024;Đã trả kết quả;1",
    ]
    (folder / "hoso.csv").write_text("\n".join(lines), encoding="utf-8")
    result = one_stop.ingest(tmp_path)
    assert result.table[["dossier_id", "supplement_requests"]].values.tolist() == [["H2", 1]]
    (reason,) = result.quarantine["reason"]
    assert reason.startswith("số lần yêu cầu bổ sung không đọc được: '-1'")
    assert result.files[0].rows_read == 2


@pytest.mark.parametrize("label", ["0000", "9999Q4", "0001", "1899", "2101-01"])
def test_a_period_outside_the_plausible_years_is_refused(label):
    with pytest.raises(PeriodError, match=r"the year must be 2000-2100"):
        Period.parse(label)


@pytest.mark.parametrize("label", ["0000", "9999Q4", "0001"])
def test_the_cli_refuses_such_a_period_in_one_line_and_writes_nothing(tmp_path, label):
    out = tmp_path / "ind.csv"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "indicators", "--period", label, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "the year must be 2000-2100" in done.stderr
    assert not out.exists() and not (tmp_path / "reports").exists()


def test_the_email_pattern_is_linear_on_a_long_cell():
    # A 32 767-character cell (Excel's largest) took 3-7 s before; ten times longer must stay well under a second.
    for n in (32_767, 327_670):
        cell = "a" * n
        started = time.perf_counter()
        assert scrub_text(cell) == (cell, {})
        assert time.perf_counter() - started < 0.5
    assert scrub_text("liên hệ " + "x" * 40_000 + " a.b@so.gov.vn")[0].endswith(" [đã ẩn email]")


@pytest.mark.parametrize("title", ["Lệ phí 5$ - 10$", r"Đầu tư $\frac{1}$"])
def test_dollar_signs_in_a_name_are_drawn_as_typed(tmp_path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.report import charts

    charts.setup()
    figure, axes = plt.subplots()
    axes.set_title(title)
    axes.bar([title], [1])
    out = tmp_path / "chart.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text kept as text in the SVG, to be read back
        figure.savefig(out)  # \frac{1} as mathematics raises ValueError here
    plt.close(figure)
    svg = re.sub(r"<!--.*?-->", "", out.read_text(encoding="utf-8"), flags=re.S)  # each text's comment aside
    assert svg.count(f">{title}</text>") == 2  # title and tick label drawn as typed, dollars and backslash too
