"""The I/O edge of the indicators: read processed tables and reference files, call the pure functions.

One module per index, each with ``rows(processed: Path, period: Period) -> long-format frame`` for every unit;
``all_rows`` puts them together (with the plan's tasks and year-end projections) for the CLI and the batch;
analysis.workbook writes them for the Interior Department.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.collect import papi, par, plan, service, sipas
from analysis.indicators.long import concat_long
from analysis.periods import Period
from analysis.store.schemas import LONG

# Index -> its ``rows(processed, period)``, in the order the indicator table lists them.
INDEXES: dict[str, Callable[[Path, Period], pd.DataFrame]] = {
    "service": service.rows,
    "sipas": sipas.rows,
    "papi": papi.rows,
    "par": par.rows,
    "plan": plan.rows,
}


def all_rows(processed: Path, period: Period) -> pd.DataFrame:
    """Every index's long-format rows for every unit, with year-end projections, checked against the contract."""
    frame = concat_long([rows(Path(processed), period) for rows in INDEXES.values()])
    return LONG.check(plan.with_projections(frame, Path(processed), period))
