"""HTML pieces for the reports. Every text that comes from data is escaped here, once."""
from __future__ import annotations

import re
from html import escape
from collections.abc import Callable, Mapping

import pandas as pd

from analysis.indicators.long import STATUS_VI, is_missing
from analysis import fmt

DEMO_TEXT = ("DỮ LIỆU MẪU (DEMO) — báo cáo này được lập từ dữ liệu mô phỏng, không phải số liệu thật "
             "của đơn vị; không dùng để đánh giá hay báo cáo.")


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


def table(frame: pd.DataFrame, columns: Mapping[str, str], formats: Mapping[str, Callable] | None = None,
          html_columns: tuple[str, ...] = (), empty: str = "Không có dòng nào.") -> str:
    """A plain table: ``columns`` maps frame columns to Vietnamese headings; cells escaped, except
    ``html_columns`` whose cells were built by this module (badges)."""
    formats = formats or {}
    if frame.empty:
        return f"<p><em>{escape(empty)}</em></p>"
    head = "".join(f"<th>{escape(label)}</th>" for label in columns.values())
    first = next(iter(columns))
    numeric = {c: c != first and (c in formats or (pd.api.types.is_numeric_dtype(frame[c])
                                                   and not pd.api.types.is_bool_dtype(frame[c])))
               for c in columns}
    body = []
    for record in frame[list(columns)].itertuples(index=False, name=None):  # report-sized frames only
        cells = []
        for column, value in zip(columns, record):
            if column in html_columns:
                cells.append(f"<td>{value}</td>")
                continue
            shown = str(formats[column](value) if column in formats else ("" if is_missing(value) else value))
            right = numeric[column] or (column != first and _NUMBER.match(shown))
            cells.append(f'{"<td class=num>" if right else "<td>"}{escape(shown)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="chiso-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


_NUMBER = re.compile(r"^[+\-−±]?\d[\d.,]*( ?%| điểm| hồ sơ)?$")


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def no_data(what: str) -> str:
    return f'<p class="chiso-nodata">{escape(what)}: {escape(fmt.NO_DATA)}.</p>'


def heading(text: str, level: int = 3) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"
