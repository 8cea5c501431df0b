"""The navigation header of every report: the period's index, the unit's other reports, the city overview.

Filled in after the batch, when it is known which reports were built: the renderer leaves a marker where the
header goes, and a report rendered on its own (outside a batch) simply has none.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import NamedTuple

from analysis.reference.units import CITY_SLUG

MARKER = "<!--chiso-nav-->"
OVERVIEW = "90_overview"
# Short names for the links, by notebook; a notebook not listed here is linked by its own title.
SHORT_NAMES = {
    "00_data_quality": "Chất lượng dữ liệu",
    "10_service_index": "Phục vụ người dân (QĐ 766)",
    "20_sipas": "Hài lòng (SIPAS)",
    "30_papi": "PAPI",
    "40_par_index": "PAR INDEX",
    "90_overview": "Tổng quan",
}


class Built(NamedTuple):
    """One report the batch built: its folder slug, notebook stem, HTML path and title."""

    slug: str
    stem: str
    html: Path
    title: str


def _href(target: Path, here: Path) -> str:
    return escape(Path(os.path.relpath(target, here.parent)).as_posix())


def header(report: Built, built: list[Built], index: Path, unit_label: str) -> str:
    """The links for one report: index, the same unit's reports (this one in bold), the city overview."""
    links = [f'<a href="{_href(index, report.html)}">Mục lục kỳ báo cáo</a>']
    siblings = sorted((b for b in built if b.slug == report.slug), key=lambda b: b.stem)
    parts = []
    for other in siblings:
        name = escape(SHORT_NAMES.get(other.stem, other.title))
        if other.html == report.html:
            parts.append(f'<span class="chiso-here" aria-current="page">{name}</span>')
        else:
            parts.append(f'<a href="{_href(other.html, report.html)}">{name}</a>')
    if len(parts) > 1:
        links.append(f"{escape(unit_label)}: " + " ".join(parts))
    overview = next((b for b in built if b.slug == CITY_SLUG and b.stem == OVERVIEW), None)
    if overview is not None and report.slug != CITY_SLUG:  # a city report lists the overview among its own
        links.append(f'<a href="{_href(overview.html, report.html)}">Tổng quan toàn thành phố</a>')
    return f'<nav class="chiso-nav" aria-label="Điều hướng báo cáo">{" · ".join(links)}</nav>'


def add_headers(built: Iterable[Built], index: Path, unit_labels: dict[str, str]) -> None:
    """Write the header into every built report (replacing the renderer's marker)."""
    built = list(built)
    for report in built:
        text = report.html.read_text(encoding="utf-8")
        if MARKER in text:
            label = unit_labels.get(report.slug, "Toàn thành phố")
            text = text.replace(MARKER, header(report, built, index, label), 1)
            report.html.write_text(text, encoding="utf-8")
