"""The service index's I/O edge: read the processed one-stop table and the reference settings, call the pure
functions of indicators/service*.py. ``rows`` feeds the batch's indicators.csv; ``unit_view`` the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.collect.sipas import overall_row as sipas_overall
from analysis.indicators import service_detail as detail
from analysis.indicators.service import INDEX, service_rows
from analysis.indicators.timeliness import OPTIONAL_COLUMNS
from analysis.periods import Period
from analysis.reference import plan, units
from analysis.reference.service import ServiceSettings

SOURCE = "one_stop"
MANUAL_SOURCE = "manual_figures"  # the analyst's quarterly figures (ingest: analysis.ingest.manual_figures)


def read_dossiers(processed: Path | str | None) -> pd.DataFrame | None:
    return store.read_table(SOURCE, processed)


def rows(processed: Path, period: Period) -> pd.DataFrame:
    """The service index for every unit of units.csv and every unit in the data (long format).
    A unit without one-stop data, or no one-stop data at all, gives rows with status "no_data"."""
    dossiers = read_dossiers(processed)
    if dossiers is None:
        dossiers = pd.DataFrame({"unit": pd.Series(dtype="string"), "status_code": pd.Series(dtype="Int8")})
    known = [u.unit for u in units.all_units()]
    present = sorted(set(dossiers["unit"].dropna().unique()) - set(known))
    return service_rows(
        dossiers, period, plan.baseline_year(), units=known + present, manual=store.read_table(MANUAL_SOURCE, processed)
    )


@dataclass(frozen=True)
class ServiceView:
    """Everything the unit report shows, computed once."""

    unit: str
    period: Period
    baseline_period: Period
    has_data: bool  # the unit has one-stop dossiers in the period
    rows: pd.DataFrame  # long format, this unit
    by_field: pd.DataFrame
    by_procedure: pd.DataFrame
    times: pd.DataFrame
    trend: pd.DataFrame
    late: pd.DataFrame
    missing_columns: list[str]  # optional export columns absent for this unit's dossiers of the period
    settings_notes: list[str]
    comparisons: dict[str, str]  # code -> how the value meets its plan target (">", "<=" …)
    targets: pd.DataFrame  # index, code, counted: the plan's service targets (long.targets_summary)
    sipas: pd.Series | None = None  # the unit's SIPAS overall row, shown beside 5.4 (same plan target)


def unit_view(
    processed: Path | str | None, period: Period, unit: str, settings: ServiceSettings | None = None
) -> ServiceView:
    settings = settings or ServiceSettings.from_reference()
    baseline_year = plan.baseline_year()
    table = read_dossiers(processed)
    dossiers = (
        table.loc[table["unit"] == unit]
        if table is not None
        else pd.DataFrame({"unit": pd.Series(dtype="string"), "status_code": pd.Series(dtype="Int8")})
    )
    long_rows = service_rows(
        dossiers, period, baseline_year, settings, units=[unit], manual=store.read_table(MANUAL_SOURCE, processed)
    )
    has_data = bool(long_rows.loc[long_rows["code"] == "06a.3", "value"].notna().any())
    by_last = pd.Timestamp(period.last) + pd.Timedelta(days=1)
    in_period = dossiers.loc[dossiers["received_at"] < by_last] if "received_at" in dossiers else dossiers
    missing = [c for c in OPTIONAL_COLUMNS if c not in in_period or in_period[c].isna().all()]
    return ServiceView(
        unit=unit,
        period=period,
        baseline_period=period.in_year(baseline_year),
        has_data=has_data,
        rows=long_rows,
        by_field=detail.breakdown(dossiers, period, "field") if has_data else pd.DataFrame(),
        by_procedure=detail.breakdown(dossiers, period, ["procedure_name", "field"]) if has_data else pd.DataFrame(),
        times=detail.handling_times(dossiers, period) if has_data else pd.DataFrame(),
        trend=detail.monthly_trend(dossiers, period, baseline_year) if has_data else pd.DataFrame(),
        late=detail.late_dossiers(dossiers, period) if has_data else pd.DataFrame(),
        missing_columns=missing if has_data else [],
        settings_notes=settings.describe(),
        comparisons=dict(zip(settings.targets["code"], settings.targets["comparison"])),
        targets=settings.targets.assign(index=INDEX, counted=settings.targets.get("counted", 1))[
            ["index", "code", "counted"]
        ],
        sipas=sipas_overall(processed, unit, period) if has_data else None,
    )
