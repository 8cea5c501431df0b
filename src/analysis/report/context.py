"""The first call of every report notebook: check its parameters, set up charts, show the header."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis import store
from analysis.periods import Period
from analysis.reference import units
from analysis.report import charts, html


@dataclass(frozen=True)
class ReportContext:
    title: str
    unit: str | None  # canonical unit name, None for a city-wide report
    period: Period
    processed: Path
    demo: bool


def start(
    title: str,
    *,
    period: str,
    processed_dir: str = "",
    unit: str | None = None,
    sources: tuple[str, ...] = (),
    show: bool = True,
) -> ReportContext:
    """Validate the parameters (clear errors, not a traceback deep in pandas) and display the report header.

    ``sources`` are the processed sources this report reads; if any of their files is demo data, the
    header carries the demo banner that the HTML template repeats on every page.
    """
    parsed = Period.parse(period)
    canonical, shown_unit = None, "Thành phố Tây Ninh"
    if unit:
        found = units.find(unit)
        if found is None:
            known = ", ".join(u.unit for u in units.all_units())
            raise ValueError(f"unknown unit {unit!r}; known units: {known}")
        canonical, shown_unit = found.unit, found.display
    processed = store.processed_dir(processed_dir)
    demo = store.is_demo(list(sources), processed)
    context = ReportContext(title, canonical, parsed, processed, demo)
    charts.setup()
    if show:
        from IPython.display import HTML, display

        display(HTML(html.header(title, shown_unit, parsed.label_vi, demo)))
    return context
