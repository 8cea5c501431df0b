"""HTML pieces for the reports. Every text that comes from data is escaped here, once."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import escape

import pandas as pd

from analysis import fmt
from analysis.indicators.long import STATUS_VI, is_missing

DEMO_TEXT = (
    "DỮ LIỆU MẪU (DEMO) — báo cáo này được lập từ dữ liệu mô phỏng, không phải số liệu thật "
    "của đơn vị; không dùng để đánh giá hay báo cáo."
)


def demo_banner() -> str:
    """Shown at the top; the report template repeats it on every printed page and keeps it in view on screen."""
    return f'<div class="chiso-demo" role="note">{escape(DEMO_TEXT)}</div>'


def header(title: str, unit: str | None, period_label: str, demo: bool, subtitle: str = "") -> str:
    parts = [demo_banner()] if demo else []
    parts.append(f'<h1 class="chiso-title">{escape(title)}</h1>')
    facts = " · ".join(escape(p) for p in (unit or "", period_label, subtitle) if p)
    parts.append(f'<p class="chiso-sub">{facts}</p>')
    return "\n".join(parts)


def status_badge(status: object) -> str:
    """A coloured status word; nothing for rows without a status (volume counts, where up or down is neither)."""
    if is_missing(status):
        return ""
    key = str(status)
    return f'<span class="chiso-status chiso-{escape(key)}">{escape(STATUS_VI.get(key, key))}</span>'


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Callable] | None = None,
    html_columns: tuple[str, ...] = (),
    empty: str = "Không có dòng nào.",
    print_rows: int | None = None,
    print_hide: tuple[str, ...] = (),
    full_list: str = "bản HTML của báo cáo này",
) -> str:
    """A plain table: ``columns`` maps frame columns to Vietnamese headings; cells escaped, except
    ``html_columns`` whose cells were built by this module (badges).

    For paper: ``print_hide`` columns are left out of the printed page, and only the first ``print_rows`` rows
    are printed, followed by a sentence saying how many were left out and where the full list is."""
    formats = formats or {}
    if frame.empty:
        return f"<p><em>{escape(empty)}</em></p>"
    hidden = {c: ' class="chiso-noprint"' if c in print_hide else "" for c in columns}
    head = "".join(f"<th{hidden[c]}>{escape(label)}</th>" for c, label in columns.items())
    first = next(iter(columns))
    numeric = {
        c: c != first
        and (c in formats or (pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])))
        for c in columns
    }
    body = []
    for number, record in enumerate(frame[list(columns)].itertuples(index=False, name=None)):  # report-sized
        cells = []
        for column, value in zip(columns, record):
            if column in html_columns:
                cells.append(f"<td{hidden[column]}>{value}</td>")
                continue
            shown = str(formats[column](value) if column in formats else _plain(value, column, columns[column]))
            right = numeric[column] or (column != first and _NUMBER.match(shown))
            noprint = "chiso-noprint" if column in print_hide else ""
            classes = " ".join(c for c in ("num" if right else "", noprint) if c)
            attribute = f' class="{classes}"' if classes else ""
            cells.append(f"<td{attribute}>{escape(shown)}</td>")
        extra = print_rows is not None and number >= print_rows
        body.append(f"<tr{' class=chiso-print-extra' if extra else ''}>" + "".join(cells) + "</tr>")
    table_html = f'<table class="chiso-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    if print_hide:
        left_out = ", ".join(label for column, label in columns.items() if column in print_hide)
        table_html += print_only(f"Bản in lược bớt cột: {left_out} (có trong {full_list}).")
    if print_rows is not None and len(frame) > print_rows:
        table_html += print_only(
            f"Bản in chỉ gồm {fmt.number(print_rows)} dòng đầu trong {fmt.number(len(frame))} "
            f"dòng; danh sách đầy đủ có trong {full_list}."
        )
    return table_html


def print_only(text: str) -> str:
    """A sentence shown on paper only (for example where the rest of a shortened list is)."""
    return f'<p class="chiso-print-only">{escape(text)}</p>'


def _plain(value: object, column: str, label: str) -> str:
    """A cell without an explicit format: numbers through fmt (1.049, 2,5), years and text as they are."""
    if is_missing(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or "year" in column or label.startswith("Năm"):
        return str(value)
    return fmt.compact(value)


_FILE_NOTE = re.compile(r"\s*\([^()]*(?:\.md|\.csv|\.yaml|data/)[^()]*\)")


def without_file_notes(text: object) -> str:
    """Reference text without its notes to project files ("… 2019 (methodology.md §3)" -> "… 2019")."""
    return "" if is_missing(text) else _FILE_NOTE.sub("", str(text))


_NUMBER = re.compile(r"^[+\-−±]?\d[\d.,]*( ?%| điểm| hồ sơ)?$")


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def no_data(what: str) -> str:
    return f'<p class="chiso-nodata">{escape(what)}: {escape(fmt.NO_DATA)}.</p>'


def heading(text: str, level: int = 3) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def details(summary: str, body: str, printed: str = "") -> str:
    """A section closed by default (``body`` is HTML built by this module); on paper only ``printed`` is shown."""
    note = print_only(printed) if printed else ""
    return f'<details class="chiso-details"><summary>{escape(summary)}</summary>{body}</details>{note}'
