"""The contracts at the store: a table that does not match its schema is refused on write and on read, naming
the table and every mismatched column; a matching one passes unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import store
from analysis.store import schemas
from analysis.store.schemas import Schema, SchemaError

SMALL = Schema("small", {"unit": "string", "n": "Int64"}, not_null=("unit",), items={r"q\d+": "Float64"})


def small(**columns) -> pd.DataFrame:
    base = {"unit": pd.array(["Phường 1", "Phường 2"], dtype="string"), "n": pd.array([1, None], dtype="Int64")}
    return pd.DataFrame({**base, **columns})


def test_a_matching_table_passes_with_its_item_columns():
    frame = small(q01=pd.array([1.0, None], dtype="Float64"), q12=pd.array([0.5, 1.0], dtype="Float64"))
    assert SMALL.check(frame) is frame


def test_every_difference_is_named():
    frame = small(q01=[1, 2], extra=["a", "b"]).drop(columns="n")
    frame.loc[1, "unit"] = None
    assert SMALL.problems(frame) == [
        "column 'n' is missing",
        "column 'q01' is int64, expected Float64",
        "column 'extra' is not in the schema",
        "column 'unit' has 1 missing value(s)",
    ]


def test_conform_builds_the_declared_columns_in_order():
    frame = SMALL.conform(pd.DataFrame({"q02": [3.0], "unit": ["Phường 1"]}))
    assert list(frame.columns) == ["unit", "n", "q02"] and SMALL.problems(frame) == []


def test_the_store_refuses_a_wrong_table_on_write_and_on_read(tmp_path):
    table = schemas.PAPI_SURVEY.conform(
        pd.DataFrame(
            {"respondent_id": ["1"], "unit": ["Phường 1"], "source_file": ["papi_survey/x.csv"], "source_row": [2]}
        )
    )
    with pytest.raises(SchemaError, match=r"papi_survey: column 'surveyed_on' is string, expected datetime64\[us\]"):
        store.write_table("papi_survey", table.astype({"surveyed_on": "string"}), schemas.QUARANTINE.empty(), tmp_path)
    store.write_table("papi_survey", table, schemas.QUARANTINE.empty(), tmp_path)
    pd.testing.assert_frame_equal(store.read_table("papi_survey", tmp_path), table)
    table.drop(columns="unit").to_parquet(tmp_path / "papi_survey.parquet", index=False)  # written around the store
    with pytest.raises(SchemaError, match="papi_survey: column 'unit' is missing"):
        store.read_table("papi_survey", tmp_path)


def test_an_undeclared_source_is_refused():
    with pytest.raises(SchemaError, match="survey: no schema is declared"):
        schemas.table("survey")
