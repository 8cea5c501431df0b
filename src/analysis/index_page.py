"""reports/<period>/index.html: one link per report, failures listed with their reason, the indicator files."""
from __future__ import annotations

import os
from html import escape
from pathlib import Path

from analysis.periods import Period
from analysis.report.html import demo_banner
from analysis.units import Unit

# The reports' own stylesheet (tables, demo banner), plus what this page needs without JupyterLab's CSS.
STYLE = ("body{font-family:\"DejaVu Sans\",\"Segoe UI\",Arial,sans-serif;max-width:1100px;margin:1em auto;"
         "padding:0 1em}th{text-align:left}.fail{color:#b71c1c;font-weight:bold}\n"
         + (Path(__file__).parent / "templates" / "chiso" / "chiso.css").read_text(encoding="utf-8"))


def write(target: Path, period: Period, results: list, units: list[Unit], demo: bool) -> None:
    folder = target.parent
    notebooks = sorted({r.notebook for r in results})
    by_key = {(r.slug, r.notebook): r for r in results}
    rows = []
    for label, slug in [("Toàn thành phố", "thanh-pho")] + [(u.display, u.slug) for u in units]:
        cells = []
        for notebook in notebooks:
            r = by_key.get((slug, notebook))
            if r is None:
                cells.append("<td>—</td>")
            elif r.ok:
                href = Path(os.path.relpath(r.html, folder)).as_posix()
                cells.append(f'<td><a href="{escape(href)}">Xem báo cáo</a></td>')
            else:
                cells.append('<td class="fail">Lỗi — xem danh sách bên dưới</td>')
        if any(c != "<td>—</td>" for c in cells):
            rows.append(f"<tr><th>{escape(label)}</th>{''.join(cells)}</tr>")
    titles = {r.notebook: r.title for r in sorted(results, key=lambda r: r.slug) if r.ok and r.title}
    heads = "".join(f"<th>{escape(titles.get(n, Path(n).stem))}</th>" for n in notebooks)
    failed = [r for r in results if not r.ok]
    failures = "".join(
        f"<li>{escape(Path(r.notebook).stem)} · {escape(r.unit or 'toàn thành phố')}: {escape(r.error or '')} "
        f"(sổ đã chạy được giữ lại: {escape(Path(os.path.relpath(r.executed, folder)).as_posix())})</li>"
        for r in failed)
    html = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chỉ số — báo cáo {escape(period.label_vi)}</title><style>{STYLE}</style></head><body>
{demo_banner() if demo else ""}
<main>
<h1>Chỉ số — báo cáo chỉ số cải cách hành chính, {escape(period.label_vi)}</h1>
<p>Theo Kế hoạch 23/KH-UBND (20/02/2024) của UBND phường Ninh Thạnh. {len(results) - len(failed)} báo cáo đã lập,
{len(failed)} lỗi.</p>
<p>Bảng tất cả chỉ tiêu: <a href="indicators.xlsx">indicators.xlsx</a> · <a href="indicators.csv">indicators.csv</a></p>
<table class="chiso-table"><thead><tr><th>Đơn vị</th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>
{f'<h2>Báo cáo bị lỗi</h2><ul>{failures}</ul>' if failed else ''}
</main>
</body></html>
"""
    target.write_text(html, encoding="utf-8")
