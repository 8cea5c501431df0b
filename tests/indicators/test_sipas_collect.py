"""The SIPAS I/O edge: settings from the reference files and the plan, rows for every unit, the unit report."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import schemas, store
from analysis.collect import sipas as collect
from analysis.ingest import runner
from analysis.ingest import sipas as ingest
from analysis.ingest.accounting import FileAccount, SourceResult, quarantine_frame
from analysis.errors import ReferenceFileError
from analysis.periods import Period
from analysis.reference import sipas as reference

CODES = reference.questionnaire()["code"].tolist()


def forms_table(rows: list[dict]) -> pd.DataFrame:
    """Processed-layer forms: every column of the real table, criteria from ``rows`` (others missing)."""
    frame = pd.DataFrame(rows).reindex(columns=ingest.output_columns(CODES))
    frame["survey_date"] = pd.to_datetime(frame["survey_date"]).astype("datetime64[us]")
    frame["source_row"] = np.arange(2, len(frame) + 2)
    frame["source_file"] = "sipas/demo_x.csv"
    for code in CODES:
        frame[code] = frame[code].astype("Int8")
    return frame.astype({c: "string" for c in ("form_id", "unit", "procedure", "field", "channel", "gender",
                                                  "age_group", "education", "occupation", "source_file")})


def write_processed(folder: Path, forms: pd.DataFrame, quarantine: list[dict] = ()) -> Path:
    account = FileAccount(file="sipas/demo_x.csv", source="sipas", demo=True, rows_read=len(forms),
                          rows_ingested=len(forms))
    runner.write_results([SourceResult("sipas", forms, quarantine_frame(list(quarantine)), [account])], folder, folder)
    return folder


def test_settings_take_the_target_from_the_plan():
    settings = collect.settings()
    assert (settings.target, settings.comparison) == (95.0, ">")  # plan/targets.csv: sipas,overall,95,>
    assert settings.element_rule == "mean_of_criteria" and settings.overall_rule == "mean_of_elements"
    assert settings.replicates == 2000 and settings.min_group_answers == 30


def test_settings_refuse_a_plan_without_the_target():
    empty = pd.DataFrame(columns=["index", "code", "target", "comparison"])
    with pytest.raises(ReferenceFileError, match=r"sipas/settings.yaml: column 'target_code': plan/targets.csv has "
                       r"no sipas target 'overall'"):
        collect.settings(targets=empty)


def test_the_demo_baseline_is_used_and_labelled_when_no_real_one_exists():
    baseline = reference.baseline()
    assert baseline.file == "baseline_2023_demo.csv" and baseline.demo
    values = baseline.for_unit("Ninh Thạnh")
    assert len(values) == 22 + 5 + 1 and set(CODES) <= set(values)


def test_rows_for_every_unit_with_no_data_where_there_are_no_forms(tmp_path):
    # Ninh Thạnh: two forms in 2024Q1, one all "5", one all "2": every criterion 1 of 2 = 50 %,
    # elements and overall 50 %. A third form in April belongs to Q2. Phường Mới is not in units.csv.
    rows = [{"unit": "Ninh Thạnh", "survey_date": "2024-02-01", **{c: 5 for c in CODES}},
            {"unit": "Ninh Thạnh", "survey_date": "2024-03-31", **{c: 2 for c in CODES}},
            {"unit": "Ninh Thạnh", "survey_date": "2024-04-01", **{c: 5 for c in CODES}},
            {"unit": "Phường Mới", "survey_date": "2024-01-15", **{c: 4 for c in CODES}}]
    processed = write_processed(tmp_path, forms_table(rows))
    long = collect.rows(processed, Period.parse("2024Q1"))
    assert long["unit"].nunique() == 11 and len(long) == 11 * 28
    overall = long[long["code"] == "overall"].set_index("unit")
    assert overall.loc["Ninh Thạnh", "value"] == pytest.approx(50.0) and overall.loc["Ninh Thạnh", "n"] == 2
    assert overall.loc["Phường Mới", "value"] == pytest.approx(100.0)
    assert overall.loc["Tân Bình", "status"] == "no_data" and pd.isna(overall.loc["Tân Bình", "value"])
    assert overall.loc["Ninh Thạnh", "baseline"] == pytest.approx(79.75)  # demo baseline file
    assert overall.loc["Ninh Thạnh", "status"] == "flat"  # two forms: the interval holds 79.75
    assert set(long["index"]) == {"sipas"}


def test_rows_without_any_sipas_export_are_all_no_data(tmp_path):
    long = collect.rows(tmp_path, Period.parse("2024Q1"))
    assert len(long) == 10 * 28 and set(long["status"]) == {"no_data"}


def test_trend_periods_run_from_the_previous_year():
    assert [p.label for p in collect.trend_periods(Period.parse("2024Q1"))] == [
        "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1"]
    assert len(collect.trend_periods(Period.parse("2024"))) == 8


def test_unit_report_counts_set_aside_answers_of_its_own_forms(tmp_path):
    rows = [{"unit": "Ninh Thạnh", "survey_date": "2024-02-01", **{c: 4 for c in CODES}},
            {"unit": "Ninh Sơn", "survey_date": "2024-02-01", **{c: 4 for c in CODES}}]
    quarantine = [  # one bad answer on each form (rows 2 and 3 of the file), one whole row quarantined (row 9)
        {"source": "sipas", "file": "sipas/demo_x.csv", "row": 2, "column": "Câu 1", "value": "7", "reason": "x"},
        {"source": "sipas", "file": "sipas/demo_x.csv", "row": 3, "column": "Câu 1", "value": "7", "reason": "x"},
        {"source": "sipas", "file": "sipas/demo_x.csv", "row": 9, "column": "Ngày", "value": None, "reason": "y"}]
    processed = write_processed(tmp_path, forms_table(rows), quarantine)
    report = collect.unit_report(processed, "Ninh Thạnh", Period.parse("2024Q1"))
    assert report.answers_set_aside == 1
    assert report.estimate.answered == 1 and report.has_source
    assert report.service is None  # no one-stop table in this folder
    empty = collect.unit_report(tmp_path / "nothing", "Ninh Thạnh", Period.parse("2024Q1"))
    assert not empty.has_source and empty.estimate.answered == 0
    assert set(empty.long["status"]) == {"no_data"}


def test_service_5_4_for_the_same_unit_and_period(tmp_path):
    dossiers = pd.DataFrame({
        "dossier_id": ["A", "B"], "unit": ["Ninh Thạnh", "Ninh Sơn"], "procedure_code": ["1", "1"],
        "procedure_name": ["Đăng ký khai sinh"] * 2, "field": ["Hộ tịch"] * 2, "channel": ["direct"] * 2,
        "received_at": pd.to_datetime(["2024-02-01 08:00", "2024-02-01 08:00"]).astype("datetime64[us]"),
        "due_at": pd.to_datetime(["2024-02-05 17:00"] * 2).astype("datetime64[us]"),
        "finished_at": pd.to_datetime(["2024-02-03 10:00"] * 2).astype("datetime64[us]"),
        "returned_at": pd.to_datetime(["2024-02-03 10:00"] * 2).astype("datetime64[us]"),
        "status_code": pd.array([10, 10], dtype="Int64"), "paid_online": pd.array([False] * 2, dtype="boolean"),
        "apology_issued": pd.array([False] * 2, dtype="boolean"), "source_file": ["one_stop/x.csv"] * 2,
        "source_row": [2, 3]})
    store.write_table("one_stop", schemas.ONE_STOP.conform(dossiers), schemas.QUARANTINE.empty(), tmp_path)
    found = collect.service_satisfaction(tmp_path, "Ninh Thạnh", Period.parse("2024Q1"))
    assert found["code"].tolist() == ["5.4"] and found["unit"].tolist() == ["Ninh Thạnh"]
    assert collect.service_satisfaction(tmp_path / "none", "Ninh Thạnh", Period.parse("2024Q1")) is None
