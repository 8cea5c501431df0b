"""notebooks/20_sipas.ipynb executed on the demo forms (demo.sipas -> ingest.sipas -> processed), its key
facts checked against figures recomputed here straight from the raw demo workbook, plus the report's escaping."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.collect import sipas as collect
from analysis.demo import sipas as demo
from analysis.ingest import runner
from analysis.ingest import sipas as ingest
from analysis.periods import Period
from analysis.reference import sipas as reference
from analysis.report import sipas as report
from analysis.store import schemas

from . import helpers
from .helpers import images, output_text

UNIT = "Ninh Thạnh"


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("sipas_demo")
    demo.write(root / "raw")
    runner.write_results([ingest.ingest(root / "raw")], root / "processed", root / "raw")
    return root


def execute(root: Path, period: str) -> nbformat.NotebookNode:
    return helpers.execute(
        "20_sipas.ipynb",
        root / f"20_sipas_{period}.ipynb",
        unit=UNIT,
        period=period,
        processed_dir=str(root / "processed"),
    )


def raw_forms_q1_2024(root: Path) -> tuple[pd.DataFrame, list[str]]:
    """Ninh Thạnh's 2024 workbook (criterion codes as headers, answers as codes) read with openpyxl alone."""
    sheet = openpyxl.load_workbook(root / "raw" / "sipas" / "demo_sipas_ninh-thanh_2024.xlsx").active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    frame = frame[(frame["Dấu thời gian"] >= datetime(2024, 1, 1)) & (frame["Dấu thời gian"] < datetime(2024, 4, 1))]
    return frame, [str(v) for v in frame["Số CCCD"]]


def expected_overall(frame: pd.DataFrame) -> tuple[float, str]:
    """Mean over the 5 elements of the mean of their criteria's share of 4-5 among answers 1-5 (0, 9, blanks
    and anything else are not answers)."""
    survey = reference.questionnaire()
    shares = {}
    for code in survey["code"]:
        scores = pd.to_numeric(frame[code].map(lambda v: v if v in (1, 2, 3, 4, 5) else None), errors="coerce")
        shares[code] = (scores.dropna() >= 4).mean() * 100
    elements = pd.Series(shares).groupby(survey.set_index("code")["element"]).mean()
    return float(elements.mean()), min(shares, key=shares.get)


@pytest.mark.e2e
def test_quarter_report_on_demo_data(demo_data):
    nb = execute(demo_data, "2024Q1")
    text = output_text(nb)
    assert not helpers.errors(nb)
    frame, personal = raw_forms_q1_2024(demo_data)
    overall, weakest_code = expected_overall(frame)
    shown = f"{overall:.1f}".replace(".", ",")
    assert f"Chỉ số hài lòng chung: {shown} %" in text
    assert f"tính từ {len(frame)} phiếu có trả lời trong Quý I/2024" in text
    assert "DỮ LIỆU MẪU (DEMO)" in text
    assert "Chỉ tiêu của Kế hoạch 23/KH-UBND: trên 95 %" in text
    # baseline_2023_demo.csv, overall 79.75: "79,8 %", or "79,75 %" when an interval end would also print 79,8
    assert re.search(r"So với năm 2023 \(79,(8|75) %; số liệu mẫu — demo\)", text)
    assert "Lưu ý về cỡ mẫu" in text and f"tính từ {len(frame)} phiếu, không phải từ mọi người dân" in text
    weak_cell = next(c for c in nb.cells if "weakest_table" in c.source)
    first_row = output_text(nbformat.from_dict({"cells": [weak_cell]})).split("Đánh giá", 1)[1]
    assert first_row.split()[0] == weakest_code  # the lowest share, recomputed from the raw workbook
    # a quarter's groups are small, and they are said to be (a table of them, or one sentence when none compares)
    assert "nhóm quá nhỏ (n < 30)" in text or "quá nhỏ để so sánh (dưới 30 phiếu)" in text
    assert images(nb) == 3
    assert "Chỉ số 5.4 của Bộ chỉ số phục vụ người dân" in text  # the one-stop view beside SIPAS
    assert "82,7 %" in text  # national SIPAS 2023 82.66 % among the reference points
    for value in personal:
        assert value not in text
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "processed_dir" in code


@pytest.mark.e2e
def test_a_period_without_forms_says_so_and_finishes(demo_data):
    nb = execute(demo_data, "2022Q1")
    text = output_text(nb)
    assert "không có dữ liệu" in text
    assert images(nb) == 0
    assert not helpers.errors(nb)


def test_data_text_is_escaped_in_the_report(tmp_path):
    codes = reference.questionnaire()["code"].tolist()
    forms = pd.DataFrame(
        [
            {
                "unit": UNIT,
                "survey_date": "2024-02-01",
                "procedure": "<b>Khai sinh</b> & kết hôn",
                **{c: 5 if i % 2 else 2 for c in codes},
            }
            for i in range(40)
        ]
    )
    forms = forms.reindex(columns=ingest.output_columns(codes))
    forms["survey_date"] = pd.to_datetime(forms["survey_date"]).astype("datetime64[us]")
    forms["source_file"], forms["source_row"] = "sipas/x.csv", np.arange(2, 42)
    for c in codes:
        forms[c] = forms[c].astype("Int8")
    from analysis.ingest.accounting import FileAccount, SourceResult, quarantine_frame

    account = FileAccount(file="sipas/x.csv", source="sipas", rows_read=40, rows_ingested=40)
    runner.write_results(
        [SourceResult("sipas", schemas.SIPAS.conform(forms), quarantine_frame([]), [account])], tmp_path, tmp_path
    )
    rep = collect.unit_report(tmp_path, UNIT, Period.parse("2024Q1"))
    markup = report.breakdown_tables(rep)
    assert "&lt;b&gt;Khai sinh&lt;/b&gt; &amp; kết hôn" in markup and "<b>Khai sinh" not in markup
    # every criterion is 20 of 40 = 50 %, so every element and the index are 50 %
    summary = report.summary(rep)
    assert "Chỉ số hài lòng chung: 50,0 %" in summary and "tính từ 40 phiếu" in summary


def test_two_decimals_only_when_an_interval_end_and_the_baseline_print_alike():
    # 79.81 and 79.75 both print "79,8" with one decimal: two decimals make "above 2023" visible
    assert report.close_digits(pd.Series({"ci_low": 79.81, "ci_high": 87.06, "baseline": 79.75})) == 2
    assert report.close_digits(pd.Series({"ci_low": 76.2, "ci_high": 79.84, "baseline": 79.75})) == 2
    assert report.close_digits(pd.Series({"ci_low": 80.2, "ci_high": 87.0, "baseline": 79.75})) == 1
    assert report.close_digits(pd.Series({"ci_low": 80.2, "ci_high": 87.0, "baseline": np.nan})) == 1
