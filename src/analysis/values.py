"""What counts as "no value": the one test that indicators, formatting and reports share."""

from __future__ import annotations

import pandas as pd


def is_missing(value: object) -> bool:
    """None, NA, NaN and NaT alike."""
    return value is None or bool(pd.api.types.is_scalar(value) and pd.isna(value))
