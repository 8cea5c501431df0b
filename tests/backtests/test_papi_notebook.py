"""notebooks/30_papi.ipynb executed city-wide on the real official file (no demo in the official part) and
for one unit on the demo local survey (demo.papi_survey -> ingest.papi_survey -> processed), checked in its
outputs; plus the collect edge the batch uses."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from analysis.collect import papi as collect
from analysis.demo import papi_survey as demo
from analysis.ingest import papi_survey, runner
from analysis.periods import Period
from analysis.reference.papi_subdimensions import choose_file
from analysis.report import html

from .helpers import NOTEBOOKS, errors, execute, images, output_text

NOTEBOOK = NOTEBOOKS / "30_papi.ipynb"


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    """A processed folder holding only the demo local survey."""
    root = tmp_path_factory.mktemp("papi")
    demo.write(root / "raw")
    runner.write_results([papi_survey.ingest(root / "raw")], root / "processed", root / "raw")
    return root / "processed"


def run(tmp_path: Path, processed: Path, unit: str) -> tuple[str, nbformat.NotebookNode]:
    nb = execute(
        "30_papi.ipynb",
        tmp_path / "30_papi.ipynb",
        unit=unit,
        period="2024Q1",
        processed_dir=str(processed),
        province="Tây Ninh",
    )
    return " ".join(output_text(nb).split()), nb


def test_notebook_metadata():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["chiso"] == {"scope": "city", "per_unit_source": "papi_survey"}
    declared = papermill.inspect_notebook(str(NOTEBOOK))
    assert set(declared) == {"unit", "period", "processed_dir", "province"}
    assert "context.start(" in nb.cells[1].source


@pytest.mark.e2e
def test_city_wide_report_from_the_official_file(tmp_path, processed):
    flat, nb = run(tmp_path, processed, unit="")
    # headline: 2024 against 2023, with rank and group (real file)
    assert "PAPI 2024 của Tây Ninh: 47,3452/80 điểm, hạng 2/61, nhóm Cao" in flat
    assert "Năm 2023: 39,2364 điểm, hạng 60/61, nhóm Thấp" in flat
    assert "trung vị toàn quốc 43,4796" in flat
    # 47.345245 − 39.236355 = 8.108890 -> "+8,1089"
    assert "Thay đổi so với 2023: +8,1089 điểm" in flat
    # the weakest three named with their owners (plan II.2.6, II.2.1, II.2.7)
    assert "D6 Cung ứng dịch vụ công : 7,8219 điểm, hạng 18/61" in flat
    assert "Công an phường; Công chức Tư pháp – Hộ tịch" in flat
    # trend table: the 6 -> 8 dimension break said plainly
    assert "không so sánh được" in flat
    assert "Bà Rịa - Vũng Tàu" in flat and "(tỉnh đang xem)" in flat
    # sub-dimensions: labelled demo (the only file shipped) or from the analyst's file
    if choose_file().demo:
        assert "DỮ LIỆU MẪU (DEMO): điểm nội dung thành phần" in flat
    # demo sub-dimension scores make it a demo report: the banner says so (issue 11); real ones do not
    assert (html.DEMO_TEXT in flat) == choose_file().demo
    assert "Báo cáo toàn thành phố chỉ gồm kết quả PAPI chính thức" in flat
    # settings said in words, not as their keys
    assert "Mốc so sánh: trung vị toàn quốc năm 2024" in flat and "Nhóm xếp hạng: xếp hạng theo điểm" in flat
    assert "target_rule" not in flat and "focus_province" not in flat and "data/reference" not in flat
    assert images(nb) == 5  # dimensions, total trend, dimension trends, region, sub-dimensions
    assert not errors(nb)


@pytest.mark.e2e
def test_unit_report_shows_the_papi_like_survey_apart(tmp_path, processed):
    flat, nb = run(tmp_path, processed, unit="Ninh Thạnh")
    assert html.DEMO_TEXT in flat  # the survey is demo data
    assert "Khảo sát kiểu PAPI: khảo sát tại địa phương" in flat and "KHÔNG phải điểm PAPI chính thức" in flat
    assert "Khảo sát năm 2024 tại Ninh Thạnh" in flat
    assert "Số người trả lời (n)" in flat and "Khoảng tin cậy 95 %" in flat
    assert "Khảo sát chỉ có 2/4 nội dung thành phần" in flat  # D1: q01, q02 cover D1.1 and D1.2 only
    assert images(nb) == 6


def test_rows_for_the_batch():
    rows = collect.rows(Path("unused"), Period.parse("2024Q1"))
    assert len(rows) == 1 + 8 + 28
    assert set(rows["index"]) == {"papi"} and set(rows["unit"]) == {"Tây Ninh"} and set(rows["period"]) == {"2024"}
    total = rows.set_index("code").loc["total"]
    assert round(float(total["value"]), 4) == 47.3452 and round(float(total["baseline"]), 4) == 39.2364
    subs = rows[rows["level"] == "subdimension"]
    if choose_file().demo:  # demo sub-dimension figures never reach indicators.csv
        assert subs["value"].isna().all() and set(subs["status"]) == {"no_data"}


@pytest.mark.e2e
def test_survey_rows_and_unknown_province(processed):
    rows = collect.survey_rows(processed, Period.parse("2024Q1"))
    assert set(rows["index"]) == {"papi_like"} and set(rows["unit"]) == {"Ninh Thạnh"}
    assert collect.survey_rows(processed, Period.parse("2023Q4")).empty  # the survey is of 2024
    with pytest.raises(ValueError, match="province 'Tây Nguyên' is not in the official PAPI file"):
        collect.view(processed, Period.parse("2024Q1"), "Tây Nguyên")
    assert collect.view(processed, Period.parse("2024Q1"), "tay ninh").province == "Tây Ninh"
