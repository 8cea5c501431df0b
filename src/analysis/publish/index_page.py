"""reports/<period>/index.html — the city scorecard: every unit against the plan's targets (year-end verdicts),
rankings, the units most off track, each unit's headline figures with status badges, links to every report,
failures listed with their reason, and the indicator files.

Its figures are read from the period's ``indicators.csv`` (written by the batch before the reports), so the
page shows exactly what the Interior Department's files say. Every colour is paired with a symbol and words.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import pandas as pd

from analysis import fmt
from analysis.indicators.projection import VERDICT_VI
from analysis.indicators.verdicts import ranking, verdicts
from analysis.periods import Period
from analysis.reference import plan
from analysis.reference.units import Unit
from analysis.report import overview
from analysis.report.html import demo_banner
from analysis.report.scorecard import SYMBOL, badge

# The reports' own stylesheet (tables, demo banner), plus what this page needs without JupyterLab's CSS.
STYLE = (
    'body{font-family:"DejaVu Sans","Segoe UI",Arial,sans-serif;max-width:1200px;margin:1em auto;'
    "padding:0 1em}th{text-align:left}.fail{color:#b71c1c;font-weight:bold}"
    ".chiso-grid td{white-space:nowrap;font-size:.9em}.chiso-grid th{font-size:.8em;vertical-align:bottom}"
    "@media print{.chiso-grid td,.chiso-grid th{font-size:7pt;padding:1px 3px}}\n"
    + (Path(__file__).parent / "templates" / "chiso" / "chiso.css").read_text(encoding="utf-8")
)
SHORT = {  # column headings of the units × targets table
    ("service", "2.1"): "Đúng hạn (2.1)",
    ("service", "2.1.late"): "Trễ hạn (766)",
    ("service", "late.citizen"): "Trễ với người dân",
    ("service", "apology.missing"): "Thiếu phiếu xin lỗi",
    ("service", "3.3"): "Trực tuyến",
    ("service", "3.3.chung_thuc"): "Chứng thực ĐT",
    ("service", "3.6"): "Thanh toán TT",
    ("service", "4.1"): "Kết quả ĐT",
    ("service", "4.2"): "Số hóa",
    ("service", "5.4"): "Hài lòng (766)",
    ("service", "1"): "Công khai",
    ("sipas", "overall"): "SIPAS",
}


def read_rows(folder: Path) -> pd.DataFrame | None:
    path = folder / "indicators.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"code": str, "unit": str, "period": str})


def verdict_table(rows: pd.DataFrame, units: list[Unit]) -> pd.DataFrame:
    """unit, index, code, value, measure, verdict for every unit and targeted component."""
    targets = plan.targets()
    keys = list(zip(targets["index"], targets["code"]))
    names = [u.unit for u in units]
    planned = pd.Series([(i, c) in keys for i, c in zip(rows["index"], rows["code"])], index=rows.index)
    targeted = rows[planned & rows["unit"].isin(names)].copy()
    targeted["verdict"] = verdicts(targeted, plan.comparisons()).to_numpy()
    return targeted


def _cell(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["value"]):
        return f'<td class="chiso-no_data" title="{escape(VERDICT_VI["no_data"])}">–</td>'
    value = fmt.percent(row["value"]) if row["measure"] == "percent" else fmt.number(row["value"])
    verdict = str(row["verdict"])
    return (
        f'<td class="chiso-status chiso-{escape(verdict)}" title="{escape(VERDICT_VI.get(verdict, verdict))}">'
        f"{SYMBOL.get(verdict, '!')} {escape(value)}</td>"
    )


def scorecard_html(rows: pd.DataFrame, units: list[Unit], links: dict[str, str]) -> str:
    targeted = verdict_table(rows, units)
    keys = [k for k in SHORT if k in set(zip(targeted["index"], targeted["code"]))]
    by_key = {(r.unit, r.index, r.code): r for r in targeted.itertuples(index=False)}
    head = "".join(f"<th>{escape(SHORT[k])}</th>" for k in keys)
    body = []
    for unit in units:
        name = escape(unit.display)
        link = links.get(unit.slug)
        label = f'<a href="{escape(link)}">{name}</a>' if link else name
        cells = "".join(
            _cell(pd.Series(by_key[(unit.unit, *k)]._asdict()) if (unit.unit, *k) in by_key else None) for k in keys
        )
        body.append(f"<tr><th>{label}</th>{cells}</tr>")
    legend = " · ".join(f"{SYMBOL[v]} {escape(words)}" for v, words in VERDICT_VI.items())
    grid = (
        f'<table class="chiso-table chiso-grid"><thead><tr><th>Đơn vị</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    rank = ranking(targeted, rows, units, plan.targets())
    rank_rows = "".join(
        f"<tr><td class=num>{r.rank}</td><th>{escape(r.display)}</th><td class=num>{r.on_track}</td>"
        f"<td class=num>{r.at_risk}</td><td class=num>{r.off_track}</td><td class=num>{r.met}/{r.judged}</td>"
        f"<td class=num>{r.overdue}</td></tr>"
        for r in rank.itertuples()
    )
    worst = rank.sort_values(["off_track", "overdue", "on_track"], ascending=[False, False, True]).head(3)
    worst_items = []
    for r in worst.itertuples():
        missed = targeted[(targeted["unit"] == r.unit) & (targeted["verdict"] == "off_track")]
        names = [SHORT.get((i, c), c) for i, c in zip(missed["index"], missed["code"])]
        worst_items.append(
            f"<li><b>{escape(r.display)}</b>: {r.off_track} chỉ tiêu chệch hướng"
            + (f" ({escape(', '.join(names))})" if names else "")
            + f", {r.overdue} nhiệm vụ quá hạn</li>"
        )
    return f"""<h2>Đơn vị × chỉ tiêu của Kế hoạch: đến cuối năm</h2>
<p>Mỗi ô: giá trị của kỳ và dự báo cuối năm so với chỉ tiêu — {legend}. Cách dự báo: xem báo cáo “Kế hoạch
23/KH-UBND” của từng đơn vị.</p>
{grid}
<h2>Xếp hạng</h2>
<table class="chiso-table"><thead><tr><th>Hạng</th><th>Đơn vị</th><th>{badge("on_track")}</th>
<th>{badge("at_risk")}</th><th>{badge("off_track")}</th><th>Đạt trong kỳ</th><th>Nhiệm vụ quá hạn</th></tr></thead>
<tbody>{rank_rows}</tbody></table>
<h2>Đơn vị chệch hướng nhiều nhất</h2><ul>{"".join(worst_items)}</ul>"""


def headline_html(rows: pd.DataFrame) -> str:
    """Per unit, the overview's headline figures with status badges."""
    from analysis.report import html

    return "<h2>Số liệu chính của từng đơn vị</h2>" + html.table(
        overview.units_table(rows, plan.targets()), overview.columns(), html_columns=overview.html_columns()
    )


def write(target: Path, period: Period, results: list, units: list[Unit], demo: bool) -> None:
    folder = target.parent
    notebooks = sorted({r.notebook for r in results})
    by_key = {(r.slug, r.notebook): r for r in results}
    rows = []
    first_link: dict[str, str] = {}
    for label, slug in [("Toàn thành phố", "thanh-pho")] + [(u.display, u.slug) for u in units]:
        cells = []
        for notebook in notebooks:
            r = by_key.get((slug, notebook))
            if r is None:
                cells.append("<td>—</td>")
            elif r.ok:
                href = Path(os.path.relpath(r.html, folder)).as_posix()
                first_link.setdefault(slug, href)
                cells.append(f'<td><a href="{escape(href)}">Xem báo cáo</a></td>')
            else:
                cells.append('<td class="fail">Lỗi — xem danh sách bên dưới</td>')
        if any(c != "<td>—</td>" for c in cells):
            rows.append(f"<tr><th>{escape(label)}</th>{''.join(cells)}</tr>")
    scorecards = {
        r.slug: Path(os.path.relpath(r.html, folder)).as_posix()
        for r in results
        if r.ok and r.notebook.startswith("05_")
    }
    links = {**first_link, **scorecards}
    titles = {r.notebook: r.title for r in sorted(results, key=lambda r: r.slug) if r.ok and r.title}
    heads = "".join(f"<th>{escape(titles.get(n, Path(n).stem))}</th>" for n in notebooks)
    failed = [r for r in results if not r.ok]
    failures = "".join(
        f"<li>{escape(Path(r.notebook).stem)} · {escape(r.unit or 'toàn thành phố')}: {escape(r.error or '')} "
        f"(sổ đã chạy được giữ lại: {escape(Path(os.path.relpath(r.executed, folder)).as_posix())})</li>"
        for r in failed
    )
    figures = read_rows(folder)
    city = "" if figures is None else scorecard_html(figures, units, links) + headline_html(figures)
    html = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chỉ số — báo cáo {escape(period.label_vi)}</title><style>{STYLE}</style></head><body>
{demo_banner() if demo else ""}
<main>
<h1>Chỉ số — bảng theo dõi Kế hoạch 23/KH-UBND, {escape(period.label_vi)}</h1>
<p>Theo Kế hoạch 23/KH-UBND (20/02/2024) của UBND phường Ninh Thạnh. {len(results) - len(failed)} báo cáo đã lập,
{len(failed)} lỗi.</p>
<p>Bảng tất cả chỉ tiêu: <a href="indicators.xlsx">indicators.xlsx</a> · <a href="indicators.csv">indicators.csv</a></p>
{city}
<h2>Báo cáo của từng đơn vị</h2>
<table class="chiso-table"><thead><tr><th>Đơn vị</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>
{f"<h2>Báo cáo bị lỗi</h2><ul>{failures}</ul>" if failed else ""}
</main>
</body></html>
"""
    target.write_text(html, encoding="utf-8")
