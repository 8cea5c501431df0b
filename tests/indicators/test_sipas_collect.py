"""The SIPAS I/O edge: settings from the reference files and the plan, rows for every unit, the unit report."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import store
from analysis.collect import sipas as collect
from analysis.errors import ReferenceFileError
from analysis.ingest import runner
from analysis.ingest import sipas as ingest
from analysis.ingest.accounting import FileAccount, SourceResult, quarantine_frame
from analysis.periods import Period
from analysis.reference import plan, units
from analysis.reference import sipas as reference
from analysis.store import schemas

CODES = reference.questionnaire()["code"].tolist()


def forms_table(rows: list[dict]) -> pd.DataFrame:
    """Processed-layer forms: every column of the real table, criteria from ``rows`` (others missing)."""
    frame = pd.DataFrame(rows).reindex(columns=ingest.output_columns(CODES))
    frame["survey_date"] = pd.to_datetime(frame["survey_date"]).astype("datetime64[us]")
    frame["source_row"] = np.arange(2, len(frame) + 2)
    frame["source_file"] = "sipas/demo_x.csv"
    for code in CODES:
        frame[code] = frame[code].astype("Int8")
    return frame.astype(
        {
            c: "string"
            for c in (
                "form_id",
                "unit",
                "procedure",
                "field",
                "channel",
                "gender",
                "age_group",
                "education",
                "occupation",
                "source_file",
            )
        }
    )


def write_processed(folder: Path, forms: pd.DataFrame, quarantine: list[dict] = ()) -> Path:
    account = FileAccount(
        file="sipas/demo_x.csv", source="sipas", demo=True, rows_read=len(forms), rows_ingested=len(forms)
    )
    runner.write_results([SourceResult("sipas", forms, quarantine_frame(list(quarantine)), [account])], folder, folder)
    return folder


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_take_the_target_from_the_plan(tmp_path):
    targets = write(
        tmp_path / "targets.csv",
        "# a comment line\nindex,code,target,comparison,plan_section,plan_text\n"
        "service,5.4,95,>,II.1.2,x\nsipas,E2,85,>,II.1.2,x\nsipas,overall,90,>=,II.1.2,x\n",
    )
    settings_file = write(
        tmp_path / "settings.yaml",
        "aggregation:\n  element: pooled_answers\n  overall: "
        "mean_of_criteria\ninterval:\n  bootstrap_replicates: 500\nmin_group_answers: 12\n"
        "target_code: overall\n",
    )
    settings = collect.settings(settings_file, plan.targets(targets))
    assert (settings.target, settings.comparison) == (90.0, ">=")  # the sipas,overall row, not service 5.4
    assert settings.element_rule == "pooled_answers" and settings.overall_rule == "mean_of_criteria"
    assert settings.replicates == 500 and settings.min_group_answers == 12
    write(settings_file, "target_code: E2\n")
    assert collect.settings(settings_file, plan.targets(targets)).target == 85.0  # target_code picks the row


def test_shipped_settings_and_plan_agree():
    # whatever an analyst sets, settings.yaml's target_code must name a sipas row of plan/targets.csv
    settings = collect.settings()
    assert settings.target > 0 and settings.comparison in (">", ">=")


def test_settings_refuse_a_plan_without_the_target():
    empty = pd.DataFrame(columns=["index", "code", "target", "comparison"])
    with pytest.raises(
        ReferenceFileError,
        match=r"sipas/settings.yaml: column 'target_code': plan/targets.csv has "
        r"no sipas target 'overall'",
    ):
        collect.settings(targets=empty)


def test_the_first_baseline_file_that_exists_is_used_and_a_demo_one_labelled(own_reference):
    raw = {"baseline_files": ["baseline_mine.csv", "baseline_mine_demo.csv"]}
    write(
        own_reference / "sipas" / "baseline_mine_demo.csv",
        "# demo\nunit,code,value\nNinh Thạnh,overall,70.5\nphường ninh thạnh,E1,60\nNinh Sơn,overall,80\n",
    )
    demo = reference.baseline(raw)
    assert demo.file == "baseline_mine_demo.csv" and demo.demo
    assert demo.for_unit("Ninh Thạnh") == {"overall": 70.5, "E1": 60.0}  # a unit's spelling made canonical
    write(own_reference / "sipas" / "baseline_mine.csv", "unit,code,value\nNinh Thạnh,overall,81\n")
    real = reference.baseline(raw)
    assert real.file == "baseline_mine.csv" and not real.demo and real.for_unit("Ninh Thạnh") == {"overall": 81.0}
    none = reference.baseline({"baseline_files": ["nowhere.csv"]})
    assert none.file == "" and none.values.empty


def codes_per_unit() -> int:
    """criteria + elements + the overall index, from the questionnaire (rows per unit of the long format)."""
    survey = reference.questionnaire()
    return len(survey) + survey["element"].nunique() + 1


def test_rows_for_every_unit_with_no_data_where_there_are_no_forms(tmp_path, own_reference):
    # Ninh Thạnh: two forms in 2024Q1, one all "5", one all "2": every criterion 1 of 2 = 50 %,
    # elements and overall 50 %. A third form in April belongs to Q2. Phường Mới is not in units.csv.
    # The test's own baseline (overall 60) and settings: sipas,overall target 95 (">"), baseline file below.
    write(own_reference / "sipas" / "settings.yaml", "target_code: overall\nbaseline_files: [base.csv]\n")
    write(
        own_reference / "plan" / "targets.csv",
        "index,code,target,comparison,plan_section,plan_text\nsipas,overall,95,>,II.1.2,x\n",
    )
    write(own_reference / "sipas" / "base.csv", "unit,code,value\nNinh Thạnh,overall,60\n")
    rows = [
        {"unit": "Ninh Thạnh", "survey_date": "2024-02-01", **{c: 5 for c in CODES}},
        {"unit": "Ninh Thạnh", "survey_date": "2024-03-31", **{c: 2 for c in CODES}},
        {"unit": "Ninh Thạnh", "survey_date": "2024-04-01", **{c: 5 for c in CODES}},
        {"unit": "Phường Mới", "survey_date": "2024-01-15", **{c: 4 for c in CODES}},
    ]
    processed = write_processed(tmp_path, forms_table(rows))
    long = collect.rows(processed, Period.parse("2024Q1"))
    n_units = len(units.all_units()) + 1
    assert long["unit"].nunique() == n_units and len(long) == n_units * codes_per_unit()
    overall = long[long["code"] == "overall"].set_index("unit")
    assert overall.loc["Ninh Thạnh", "value"] == pytest.approx(50.0) and overall.loc["Ninh Thạnh", "n"] == 2
    assert overall.loc["Phường Mới", "value"] == pytest.approx(100.0)
    assert overall.loc["Tân Bình", "status"] == "no_data" and pd.isna(overall.loc["Tân Bình", "value"])
    assert overall.loc["Ninh Thạnh", "baseline"] == pytest.approx(60.0)  # the test's baseline file
    assert overall.loc["Ninh Thạnh", "status"] == "flat"  # two forms: the interval holds 60
    assert overall.loc["Ninh Thạnh", "target"] == 95.0 and pd.isna(overall.loc["Ninh Sơn", "baseline"])
    assert set(long["index"]) == {"sipas"}


def test_rows_without_any_sipas_export_are_all_no_data(tmp_path):
    long = collect.rows(tmp_path, Period.parse("2024Q1"))
    assert len(long) == len(units.all_units()) * codes_per_unit() and set(long["status"]) == {"no_data"}


def test_trend_periods_run_from_the_previous_year():
    assert [p.label for p in collect.trend_periods(Period.parse("2024Q1"))] == [
        "2023Q1",
        "2023Q2",
        "2023Q3",
        "2023Q4",
        "2024Q1",
    ]
    assert len(collect.trend_periods(Period.parse("2024"))) == 8


def test_unit_report_counts_set_aside_answers_of_its_own_forms(tmp_path):
    rows = [
        {"unit": "Ninh Thạnh", "survey_date": "2024-02-01", **{c: 4 for c in CODES}},
        {"unit": "Ninh Sơn", "survey_date": "2024-02-01", **{c: 4 for c in CODES}},
    ]
    quarantine = [  # one bad answer on each form (rows 2 and 3 of the file), one whole row quarantined (row 9)
        {"source": "sipas", "file": "sipas/demo_x.csv", "row": 2, "column": "Câu 1", "value": "7", "reason": "x"},
        {"source": "sipas", "file": "sipas/demo_x.csv", "row": 3, "column": "Câu 1", "value": "7", "reason": "x"},
        {"source": "sipas", "file": "sipas/demo_x.csv", "row": 9, "column": "Ngày", "value": None, "reason": "y"},
    ]
    processed = write_processed(tmp_path, forms_table(rows), quarantine)
    report = collect.unit_report(processed, "Ninh Thạnh", Period.parse("2024Q1"))
    assert report.answers_set_aside == 1
    assert report.estimate.answered == 1 and report.has_source
    assert report.service is None  # no one-stop table in this folder
    empty = collect.unit_report(tmp_path / "nothing", "Ninh Thạnh", Period.parse("2024Q1"))
    assert not empty.has_source and empty.estimate.answered == 0
    assert set(empty.long["status"]) == {"no_data"}


def test_service_5_4_for_the_same_unit_and_period(tmp_path):
    dossiers = pd.DataFrame(
        {
            "dossier_id": ["A", "B"],
            "unit": ["Ninh Thạnh", "Ninh Sơn"],
            "procedure_code": ["1", "1"],
            "procedure_name": ["Đăng ký khai sinh"] * 2,
            "field": ["Hộ tịch"] * 2,
            "channel": ["direct"] * 2,
            "received_at": pd.to_datetime(["2024-02-01 08:00", "2024-02-01 08:00"]).astype("datetime64[us]"),
            "due_at": pd.to_datetime(["2024-02-05 17:00"] * 2).astype("datetime64[us]"),
            "finished_at": pd.to_datetime(["2024-02-03 10:00"] * 2).astype("datetime64[us]"),
            "returned_at": pd.to_datetime(["2024-02-03 10:00"] * 2).astype("datetime64[us]"),
            "status_code": pd.array([10, 10], dtype="Int64"),
            "paid_online": pd.array([False] * 2, dtype="boolean"),
            "apology_issued": pd.array([False] * 2, dtype="boolean"),
            "source_file": ["one_stop/x.csv"] * 2,
            "source_row": [2, 3],
        }
    )
    store.write_table("one_stop", schemas.ONE_STOP.conform(dossiers), schemas.QUARANTINE.empty(), tmp_path)
    found = collect.service_satisfaction(tmp_path, "Ninh Thạnh", Period.parse("2024Q1"))
    assert found["code"].tolist() == ["5.4"] and found["unit"].tolist() == ["Ninh Thạnh"]
    assert collect.service_satisfaction(tmp_path / "none", "Ninh Thạnh", Period.parse("2024Q1")) is None
