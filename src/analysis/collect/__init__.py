"""The I/O edge of the indicators: read processed tables and reference files, call the pure functions.

One module per index, each with ``rows(processed: Path, period: Period) -> long-format frame`` for every unit;
``all_rows`` puts them together (with the plan's tasks and year-end projections) for the CLI and the batch;
analysis.workbook writes them for the Interior Department.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from analysis.indicators.long import concat_long
from analysis.periods import Period

INDEX_MODULES = {
    "service": "analysis.collect.service",
    "sipas": "analysis.collect.sipas",
    "papi": "analysis.collect.papi",
    "par": "analysis.collect.par",
    "plan": "analysis.collect.plan",
}


def all_rows(processed: Path, period: Period) -> pd.DataFrame:
    from analysis.collect import plan

    frames = [importlib.import_module(name).rows(Path(processed), period) for name in INDEX_MODULES.values()]
    return plan.with_projections(concat_long(frames), Path(processed), period)
