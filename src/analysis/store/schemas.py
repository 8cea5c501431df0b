"""The contracts between layers: the columns and types of every processed table, its quarantine, and the long format.

Ingest writes these tables and collect reads them through ``analysis.store``, which checks each frame against its
schema both ways, so a change on one side that the other does not expect stops at the store with a message
naming the table and the column instead of surfacing as a wrong figure three layers later. Names follow
docs/conventions.md (``*_at`` timestamps, ``*_on`` dates, ``*_id`` identifiers, ``source_file``/``source_row``
back to the export). A new source adds its schema to ``TABLES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd


class SchemaError(Exception):
    """A table that does not match its declared schema: a bug in the layer that built it, not a user error."""


@dataclass(frozen=True)
class Schema:
    name: str
    columns: dict[str, str]  # column -> pandas dtype, in table order
    not_null: tuple[str, ...] = ()  # columns that never hold NA
    items: dict[str, str] = field(default_factory=dict)  # regex of repeated columns (questionnaire items) -> dtype

    def problems(self, frame: pd.DataFrame) -> list[str]:
        """Everything that differs from the schema: missing, unexpected or mistyped columns, NA in a key."""
        found = {str(c): str(t) for c, t in frame.dtypes.items()}
        problems = [f"column {c!r} is missing" for c in self.columns if c not in found]
        for column, dtype in found.items():
            expected = self.columns.get(column) or next(
                (t for pattern, t in self.items.items() if re.fullmatch(pattern, column)), None
            )
            if expected is None:
                problems.append(f"column {column!r} is not in the schema")
            elif dtype != expected:
                problems.append(f"column {column!r} is {dtype}, expected {expected}")
        problems += [
            f"column {c!r} has {n} missing value(s)"
            for c in self.not_null
            if c in found and (n := int(frame[c].isna().sum()))
        ]
        return problems

    def check(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame itself when it matches; a SchemaError listing every difference otherwise."""
        problems = self.problems(frame)
        if problems:
            raise SchemaError(f"{self.name}: " + "; ".join(problems))
        return frame

    def empty(self) -> pd.DataFrame:
        return self.conform(pd.DataFrame())

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The schema's columns in order, typed, missing ones as NA (repeated item columns kept): for tables
        built by hand, as in tests."""
        items = [c for c in frame.columns if any(re.fullmatch(p, str(c)) for p in self.items)]
        out = frame.reindex(columns=[*self.columns, *items])
        return out.astype(
            {**self.columns, **{c: t for c in items for p, t in self.items.items() if re.fullmatch(p, str(c))}}
        )


PROVENANCE = {"source_file": "string", "source_row": "int64"}  # every processed row points back to its export

ONE_STOP = Schema(
    "one_stop",
    {
        "dossier_id": "string",
        "unit": "string",
        "procedure_code": "string",
        "procedure_name": "string",
        "field": "string",
        "channel": "string",
        "received_at": "datetime64[us]",
        "due_at": "datetime64[us]",
        "finished_at": "datetime64[us]",
        "returned_at": "datetime64[us]",
        "status_code": "Int8",
        "paid_online": "boolean",
        "apology_issued": "boolean",
        "supplement_requests": "Int16",
        "digitised": "boolean",
        "e_result": "boolean",
        "data_reused": "boolean",
        "fee_required": "boolean",
        "rating": "string",
        "complaint": "boolean",
        "date_doubtful": "boolean",
        **PROVENANCE,
    },
    not_null=("dossier_id", "unit", "received_at", "source_file", "source_row"),
)

SIPAS = Schema(
    "sipas",
    {
        "form_id": "string",
        "unit": "string",
        "survey_date": "datetime64[us]",
        "procedure": "string",
        "field": "string",
        "channel": "string",
        "gender": "string",
        "age_group": "string",
        "education": "string",
        "occupation": "string",
        **PROVENANCE,
    },
    not_null=("unit", "source_file", "source_row"),
    items={r"E\d+\.\d+": "Int8"},
)

PAR_INDEX = Schema(
    "par_index",
    {
        "unit": "string",
        "year": "Int64",
        "as_of": "datetime64[us]",
        "code": "string",
        "name": "string",
        "file_max_points": "Float64",
        "self_points": "Float64",
        "appraised_points": "Float64",
        "evidence": "string",
        "is_leaf": "boolean",
        "source_file": "string",
        "sheet": "string",
        "source_row": "int64",
    },
    not_null=("unit", "year", "code", "source_file", "source_row"),
)

PAPI_SURVEY = Schema(
    "papi_survey",
    {
        "respondent_id": "string",
        "unit": "string",
        "surveyed_on": "datetime64[us]",
        **PROVENANCE,
    },
    not_null=("respondent_id", "unit", "source_file", "source_row"),
    items={r"q\d+": "Float64"},
)

# The analysts' quarterly sheets (ingest/plan_progress.py, ingest/manual_figures.py): period is a quarter label.
PLAN_PROGRESS = Schema(
    "plan_progress",
    {
        "unit": "string",
        "task": "string",
        "period": "string",
        "status": "string",
        "evidence": "string",
        "note": "string",
        **PROVENANCE,
    },
    not_null=("unit", "task", "period", "status", "source_file", "source_row"),
)

MANUAL_FIGURES = Schema(
    "manual_figures",
    {
        "unit": "string",
        "period": "string",
        "code": "string",
        "numerator": "Float64",
        "denominator": "Float64",
        "evidence": "string",
        "note": "string",
        **PROVENANCE,
    },
    not_null=("unit", "period", "code", "numerator", "source_file", "source_row"),
)

TABLES = {schema.name: schema for schema in (ONE_STOP, SIPAS, PAR_INDEX, PAPI_SURVEY, PLAN_PROGRESS, MANUAL_FIGURES)}

QUARANTINE = Schema(
    "quarantine",
    {
        "source": "string",
        "file": "string",
        "sheet": "string",
        "row": "Int64",
        "record_id": "string",
        "column": "string",
        "value": "string",
        "reason": "string",
    },
    not_null=("source", "file", "reason"),
)

LONG = Schema(
    "long",
    {
        "period": "string",
        "unit": "string",
        "index": "string",
        "code": "string",
        "name": "string",
        "level": "string",
        "value": "Float64",
        "measure": "string",
        "max_points": "Float64",
        "points": "Float64",
        "baseline": "Float64",
        "baseline_period": "string",
        "target": "Float64",
        "gap_to_target": "Float64",
        "change_vs_baseline": "Float64",
        "status": "string",
        "n": "Float64",
        "ci_low": "Float64",
        "ci_high": "Float64",
        "owner": "string",
        "note": "string",
        "projected": "Float64",
        "projected_low": "Float64",
        "projected_high": "Float64",
        "deadline": "string",
    },
    not_null=("period", "unit", "index", "code"),
)  # counts (form II.06a) carry no status


def table(source: str) -> Schema:
    """The schema of a processed source table; a SchemaError for a source nobody declared."""
    try:
        return TABLES[source]
    except KeyError:
        raise SchemaError(f"{source}: no schema is declared in analysis.schemas") from None
