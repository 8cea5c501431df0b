"""What lies behind the service figures, for the report: breakdowns by field and procedure, handling times,
the monthly trend against the baseline year, and the list of late dossiers (no personal data).

Every count here comes from ``timeliness.classify``, so a breakdown adds up to the unit's figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.indicators.timeliness import classify, counts
from analysis.periods import Period

UNKNOWN = {"field": "(không rõ lĩnh vực)", "procedure_name": "(không rõ thủ tục)"}
BREAKDOWN_COLUMNS = ["received_in_p", "handled", "judged", "on_time", "late", "late_for_citizen", "apology_missing"]


def _labelled(dossiers: pd.DataFrame, column: str) -> pd.Series:
    return dossiers[column].astype("string").fillna(UNKNOWN[column])


def late_share(late: pd.Series, judged: pd.Series) -> pd.Series:
    """Late dossiers as a percentage of those judged in 2.1 (QĐ 766 view); NA where none was judged."""
    return (late / judged.where(judged > 0) * 100).astype("Float64")


def _classified(dossiers: pd.DataFrame, period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dossiers with a unique index, their flags): flags cover only the dossiers that can count, so the
    details pick dossiers by index label."""
    if not dossiers.index.is_unique:
        dossiers = dossiers.reset_index(drop=True)
    return dossiers, classify(dossiers, period)


def breakdown(dossiers: pd.DataFrame, period: Period, by: str | list[str]) -> pd.DataFrame:
    """One row per field (``by="field"``) or procedure (``["procedure_name", "field"]``) with any dossier in
    the period: received, handled, judged, on time, late (QĐ 766), late share, late for the citizen (06a.10 +
    06a.13), apology letters missing. Most late first."""
    keys = [by] if isinstance(by, str) else list(by)
    dossiers, flags = _classified(dossiers, period)
    flags = flags.assign(**{k: _labelled(dossiers, k) for k in keys})
    table = counts(flags, keys)[BREAKDOWN_COLUMNS]
    table = table.loc[(table["handled"] + table["received_in_p"] + table["late_for_citizen"]) > 0]
    table = table.assign(late_share=late_share(table["late"], table["judged"])).reset_index()
    return table.sort_values(
        ["late_for_citizen", "late", "handled"] + keys,
        ascending=[False, False, False] + [True] * len(keys),
        ignore_index=True,
    )


def handling_times(dossiers: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Days from received to end of processing, for dossiers with a result (status 9/10) ending in the period."""
    dossiers, flags = _classified(dossiers, period)
    done = flags.index[flags["result_in_p"].to_numpy()]
    return pd.DataFrame(
        {
            "field": _labelled(dossiers.loc[done], "field").to_numpy(),
            "procedure_name": _labelled(dossiers.loc[done], "procedure_name").to_numpy(),
            "days": flags.loc[done, "handling_days"].to_numpy(dtype="int64"),
        }
    )


def handling_summary(times: pd.DataFrame, by: str = "field") -> pd.DataFrame:
    """Dossiers, mean, median and longest handling time per group (QĐ 766 indicator 2.2 is this mean)."""
    if times.empty:
        return pd.DataFrame(columns=[by, "dossiers", "mean_days", "median_days", "max_days"])
    grouped = times.groupby(by, sort=True)["days"]
    table = pd.DataFrame(
        {
            "dossiers": grouped.size(),
            "mean_days": grouped.mean(),
            "median_days": grouped.median(),
            "max_days": grouped.max(),
        }
    ).reset_index()
    return table.sort_values(["median_days", by], ascending=[False, True], ignore_index=True)


def monthly_trend(dossiers: pd.DataFrame, period: Period, baseline_year: int) -> pd.DataFrame:
    """Per unit and month of the period (and the same months of ``baseline_year``): received, handled,
    on-time percentage (2.1 rules applied to the month), late (QĐ 766) and late for the citizen."""
    parts = []
    years = [period.year] if baseline_year == period.year else [baseline_year, period.year]
    for year in years:
        for month in period.in_year(year).months():
            table = counts(classify(dossiers, month))
            parts.append(table.reset_index().assign(year=year, month=month.number, label=month.label_vi))
    if not parts:
        return pd.DataFrame()
    trend = pd.concat(parts, ignore_index=True)
    trend["on_time_pct"] = (trend["on_time"] / trend["judged"].where(trend["judged"] > 0) * 100).astype("Float64")
    columns = [
        "unit",
        "year",
        "month",
        "label",
        "received_in_p",
        "handled",
        "judged",
        "on_time",
        "on_time_pct",
        "late",
        "late_for_citizen",
    ]
    return trend[columns].sort_values(["unit", "year", "month"], ignore_index=True)


LATE_COLUMNS = [
    "unit",
    "dossier_id",
    "procedure_name",
    "field",
    "received",
    "due",
    "judged_on",
    "returned",
    "days_late_766",
    "days_late_citizen",
    "late_766",
    "resupplied",
    "late_for_citizen",
    "apology",
]


def late_dossiers(dossiers: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Dossiers late in either view: late by QĐ 766 (end of processing, judged at the period's last day if
    unfinished) or late for the citizen (returned late, or overdue and not returned). Ids, procedure and
    field only — never a person. ``apology``: True / False / NA when the export does not say."""
    dossiers, flags = _classified(dossiers, period)
    late = flags.index[(flags["late"] | flags["late_for_citizen"]).to_numpy()]
    picked = dossiers.loc[late]
    apology = picked["apology_issued"] if "apology_issued" in picked else pd.Series(pd.NA, index=picked.index)
    table = pd.DataFrame(
        {
            "unit": picked["unit"],
            "dossier_id": picked["dossier_id"],
            "procedure_name": _labelled(picked, "procedure_name"),
            "field": _labelled(picked, "field"),
            "received": picked["received_at"].dt.normalize(),
            "due": picked["due_at"].dt.normalize(),
            "judged_on": flags.loc[late, "judged_on"],
            "returned": picked["returned_at"].dt.normalize(),
            "days_late_766": flags.loc[late, "days_late_766"],
            "days_late_citizen": flags.loc[late, "days_late_citizen"],
            "late_766": flags.loc[late, "late"],
            "resupplied": flags.loc[late, "late_resupplied"],
            "late_for_citizen": flags.loc[late, "late_for_citizen"],
            "apology": apology.astype("boolean"),
        },
        columns=LATE_COLUMNS,
    )
    most = np.fmax(
        table["days_late_766"].to_numpy(dtype=float, na_value=np.nan),
        table["days_late_citizen"].to_numpy(dtype=float, na_value=np.nan),
    )
    order = np.lexsort((table["dossier_id"].to_numpy(dtype=object), -most))
    return table.iloc[order].reset_index(drop=True)
