"""Targets against the year's end: each targeted row projected to 31/12 with its interval, its verdict
(on track, at risk, off track, no data) and units ranked by their verdicts. Pure: the plan's settings (how each
component projects, deadlines, comparisons) come in as arguments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from analysis.indicators import projection
from analysis.indicators.long import long_frame, targets_summary
from analysis.reference.units import Unit

Key = tuple[str, str]  # (index, code)


def project_rows(
    frame: pd.DataFrame, ytd: pd.DataFrame, last: date, kinds: Mapping[Key, str], deadlines: Mapping[Key, str]
) -> pd.DataFrame:
    """``frame`` with projected / projected_low / projected_high on targeted rows and the plan's deadlines;
    ``kinds`` says how each component projects (indicators/projection.py), SIPAS rows project as surveys."""
    out = frame.copy()
    fraction = projection.year_fraction(last)
    key = ["unit", "index", "code"]
    now = out[key].merge(
        ytd.drop_duplicates(key)[[*key, "value", "n", "ci_low", "ci_high"]], on=key, how="left", indicator=True
    )
    usable = (out["target"].notna() & (now["_merge"] == "both").to_numpy()).to_numpy()
    survey_index = ((out["code"] == "overall") | (out["level"] == "group")).fillna(False).to_numpy(dtype=bool)
    kind = np.where(
        (out["index"] == "sipas").fillna(False).to_numpy(dtype=bool),
        np.where(survey_index, "survey_index", "survey_share"),
        [kinds.get(k, "") for k in zip(out["index"], out["code"])],
    )
    value, n, low, high = (now[c].to_numpy(dtype=float, na_value=np.nan) for c in ("value", "n", "ci_low", "ci_high"))
    projected = np.full((3, len(out)), np.nan)
    projected[:, usable] = projection.projections(kind[usable], value[usable], n[usable], fraction)
    surveyed = usable & (kind == "survey_index")  # the SIPAS index and its elements carry their own interval
    projected[:, surveyed] = np.array([value, low, high])[:, surveyed]
    for row, column in enumerate(("projected", "projected_low", "projected_high")):
        out[column] = pd.array(projected[row], dtype="Float64")
    keys = zip(out["index"], out["code"])
    out["deadline"] = out["deadline"].fillna(
        pd.Series([deadlines.get(k) for k in keys], index=out.index, dtype="string")
    )
    return long_frame(out)


def verdicts(frame: pd.DataFrame, comparisons: Mapping[Key, str]) -> pd.Series:
    """on_track / at_risk / off_track / no_data for each targeted row (the projection against the target);
    a component without a comparison of its own is "at least" (SIPAS: "more than")."""
    out = []
    for row in frame.itertuples(index=False):
        comparison = comparisons.get((row.index, row.code), ">=" if row.index != "sipas" else ">")
        p = projection.Projection(
            *(None if pd.isna(v) else float(v) for v in (row.projected, row.projected_low, row.projected_high))
        )
        out.append(projection.verdict(p, None if pd.isna(row.target) else float(row.target), comparison))
    return pd.Series(out, index=frame.index, dtype="string")


def ranking(targeted: pd.DataFrame, rows: pd.DataFrame, units: Sequence[Unit], targets: pd.DataFrame) -> pd.DataFrame:
    """Units ranked by year-end verdicts (on track first, then fewest off track), with overdue tasks."""
    tasks = rows[rows["index"] == "plan"]
    summary = targets_summary(rows, targets).set_index("unit")  # the one count of targets met
    counted = int(summary["targets"].iloc[0]) if len(summary) else 0
    out = []
    for unit in units:
        mine = targeted[targeted["unit"] == unit.unit]
        verdicts = mine["verdict"].value_counts()
        out.append(
            {
                "unit": unit.unit,
                "display": unit.display,
                **{v: int(verdicts.get(v, 0)) for v in projection.VERDICT_VI},
                "met": int(summary["met"].get(unit.unit, 0)),
                "judged": counted,
                "overdue": int(((tasks["unit"] == unit.unit) & (tasks["status"] == "overdue")).sum()),
            }
        )
    table = pd.DataFrame(out)
    table = table.sort_values(["on_track", "off_track", "overdue", "display"], ascending=[False, True, True, True])
    table["rank"] = range(1, len(table) + 1)
    return table.reset_index(drop=True)
