"""The PAR INDEX report's tables, paragraphs and charts (notebooks/40_par_index.ipynb), in Vietnamese.

Every function takes the ``ParView`` of ``collect.par.unit_view`` and returns escaped HTML (through
``report.html``) or a matplotlib figure; ``show`` puts either on the page. A unit without PAR data gets a
sentence saying so from every section, never an error.
"""

from __future__ import annotations

from html import escape

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis import fmt
from analysis.collect.par import ParView, unit_view
from analysis.indicators.long import status_notes
from analysis.indicators.par import BASIS_VI
from analysis.ingest.par_checks import KIND_VI
from analysis.reference import units
from analysis.reference.par_tree import EPS, TOTAL
from analysis.report import charts, html
from analysis.report.context import ReportContext

TOP_LOST = 10
CITY = "thành phố Tây Ninh"  # how QĐ 2729 names the city among the districts
NO_PAR = "Chưa có điểm Chỉ số cải cách hành chính (PAR INDEX) của đơn vị cho kỳ này"


def load(ctx: ReportContext) -> ParView:
    return unit_view(ctx.processed, ctx.period, ctx.unit or "")  # no unit: the no-data view


def show(item: str | Figure) -> None:
    """Display an HTML piece, or the figure just drawn (closed after, so it appears once)."""
    from IPython.display import HTML, display

    if isinstance(item, Figure):
        plt.show()
    else:
        display(HTML(item))


def _name(view: ParView) -> str:
    found = units.find(view.unit)
    return found.display if found else view.unit


def _when(view: ParView) -> str:
    basis = BASIS_VI.get(view.basis or "", "điểm")
    day = fmt.day(view.as_of) if view.as_of is not None else ""
    return f"{basis} năm {view.year}" + (f" đến {day}" if view.basis == "self" else "")


def _badges(frame: pd.DataFrame) -> pd.Series:
    return frame["status"].map(html.status_badge)


def _pts(value: object) -> str:
    return fmt.number(value, 2)


def _short(value: object) -> str:
    """Points in a sentence: 86,98 / 100 / 2,5 (no trailing zeros)."""
    text = fmt.number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _baseline_text(frame: pd.DataFrame) -> pd.Series:
    """Baseline points as shown: the number, or why there is none."""
    text = frame["baseline"].map(_pts)
    return text.mask(frame["code_before"].isna(), "không có tiêu chí tương ứng")


def _total(view: ParView) -> pd.Series:
    return view.nodes[view.nodes["code"] == TOTAL].iloc[0]


# ---------------------------------------------------------------- first screen


def summary(view: ParView) -> str:
    """Total and rating now against the baseline year, and how many sub-criteria moved."""
    if not view.has_data:
        return html.no_data(NO_PAR)
    total = _total(view)
    rating_now = total["rating"] if pd.notna(total["rating"]) else "chưa xếp loại"
    if pd.isna(total["points"]):
        lines = [
            f"Theo {_when(view)}, chưa đủ điểm để tính tổng của {_name(view)}: còn {int(total['n_unscored'])} "
            f"tiêu chí thành phần chưa có điểm; phần đã chấm đạt {_short(total['scored_points'])}/"
            f"{_short(total['scored_max'])} điểm."
        ]
    else:
        lines = [
            f"Theo {_when(view)}, {_name(view)} đạt {_short(total['points'])}/{_short(total['max_points'])} "
            f"điểm ({fmt.percent(total['share'], 2)}), xếp loại {rating_now}."
        ]
    if view.has_baseline and pd.notna(total["baseline"]):
        ratio, before_rating = total["baseline_share"], total["baseline_rating"]
        change = fmt.signed(total["points"] - total["baseline"], 2, "điểm")
        lines.append(
            f"Năm {view.baseline_year} ({BASIS_VI.get(view.baseline_basis or '', 'điểm')}): "
            f"{_short(total['baseline'])}/{_short(total['baseline_max'])} điểm ({fmt.percent(ratio, 2)}), "
            f"xếp loại {before_rating}; thay đổi {change}."
        )
    else:
        lines.append(f"Không có điểm năm {view.baseline_year} của đơn vị để so sánh.")
    if view.basis == "self":
        lines.append(
            "Điểm năm " + str(view.year) + " là điểm tự đánh giá, chưa được thẩm định; tiêu chí cần cả năm "
            "mới đủ tài liệu kiểm chứng có thể còn thiếu điểm trong các quý đầu."
        )
    return "".join(html.paragraph(line) for line in lines) + movement_table(view)


def movement_table(view: ParView) -> str:
    """Sub-criteria by status with the points behind each status."""
    leaves = view.nodes[view.nodes["is_leaf"].astype(bool)]
    rows = []
    for status, points, what in [
        ("recovered", "recovered_points", "điểm đã khắc phục"),
        ("still_lost", "still_lost_points", "điểm vẫn mất"),
        ("newly_lost", "newly_lost_points", "điểm mới mất"),
        (
            "no_baseline",
            "unmatched_lost_points",
            f"điểm đang mất ở tiêu chí không có tiêu chí tương ứng năm {view.baseline_year}",
        ),
        ("full", None, ""),
        ("no_data", None, ""),
    ]:
        chosen = leaves[leaves["status"] == status]
        if chosen.empty:
            continue
        partly = chosen["recovered_points"].sum() if status == "still_lost" else 0.0
        if partly > EPS:
            what += f"; ở các tiêu chí này đã khắc phục được {_short(partly)} điểm so với năm {view.baseline_year}"
        rows.append(
            {"status": status, "n": len(chosen), "points": chosen[points].sum() if points else None, "what": what}
        )
    dropped = view.unmatched[view.unmatched["side"] == "dropped"] if len(view.unmatched) else view.unmatched
    frame = pd.DataFrame(rows)
    frame["badge"] = _badges(frame)
    text = html.table(
        frame,
        {
            "badge": "Trạng thái (so với năm " + str(view.baseline_year) + ")",
            "n": "Số tiêu chí thành phần",
            "points": "Điểm",
            "what": "Ý nghĩa",
        },
        {"points": lambda v: "" if v is None or pd.isna(v) else _pts(v)},
        html_columns=("badge",),
    )
    if len(dropped):
        lost = dropped["lost"].sum()
        text += html.paragraph(
            f"{len(dropped)} tiêu chí năm {view.baseline_year} không có tiêu chí tương ứng năm "
            f"{view.year} (đơn vị mất {_short(lost)} điểm ở các tiêu chí này năm "
            f"{view.baseline_year}); xem mục “Tiêu chí không có tiêu chí tương ứng giữa hai "
            "năm”."
        )
    return text


def top_lost(view: ParView, limit: int = TOP_LOST) -> str:
    """The sub-criteria that lose the most points now, with their owner and evidence note."""
    if not view.has_data:
        return html.no_data(NO_PAR)
    leaves = view.nodes[view.nodes["is_leaf"].astype(bool) & (view.nodes["scored_lost"] > EPS)]
    leaves = leaves.sort_values(["scored_lost", "code"], ascending=[False, True]).head(limit)
    leaves = leaves.assign(badge=_badges(leaves), baseline_text=_baseline_text(leaves))
    return html.table(
        leaves,
        {
            "code": "Mã",
            "name": "Tiêu chí",
            "max_points": "Tối đa",
            "points": "Điểm",
            "lost": "Mất",
            "baseline_text": f"Điểm {view.baseline_year}",
            "badge": "Trạng thái",
            "owner": "Người phụ trách",
            "evidence": "Tài liệu kiểm chứng",
        },
        {c: _pts for c in ("max_points", "points", "lost")},
        html_columns=("badge",),
        empty="Không còn tiêu chí nào bị mất điểm.",
    )


# ---------------------------------------------------------------- detail


def field_table(view: ParView) -> str:
    """One line per field: points now and in the baseline year, status and what moved inside it."""
    if not view.has_data:
        return html.no_data(NO_PAR)
    fields = view.nodes[view.nodes["level"].isin(["group", "index"])]
    fields = fields.assign(badge=_badges(fields), label=fields["code"].where(fields["code"] != TOTAL, "Tổng"))
    return html.table(
        fields,
        {
            "label": "Lĩnh vực",
            "name": "Tên",
            "max_points": "Tối đa",
            "points": "Điểm",
            "share": "Tỷ lệ",
            "baseline": f"Điểm {view.baseline_year}",
            "badge": "Trạng thái",
            "note": "Ghi chú",
        },
        {"max_points": _pts, "points": _pts, "baseline": _pts, "share": lambda v: fmt.percent(v, 2)},
        html_columns=("badge",),
    )


def field_details(view: ParView) -> str:
    """Per field, its criteria and every sub-criterion that lost points in either year."""
    if not view.has_data:
        return html.no_data(NO_PAR)
    parts = []
    nodes = view.nodes.assign(badge=_badges(view.nodes))
    for field in nodes[nodes["level"] == "group"].itertuples():  # eight fields
        inside = nodes[(nodes["field"] == field.code) & (nodes["level"] != "group")]
        shown = inside[(inside["level"] == "criterion") | (inside["status"] != "full")]
        parts.append(
            f"<h3>{escape(field.code)}. {escape(field.name)} — {escape(_pts(field.points))}/"
            f"{escape(_pts(field.max_points))} điểm</h3>"
        )
        shown = shown.assign(baseline_text=_baseline_text(shown))
        parts.append(
            html.table(
                shown,
                {
                    "code": "Mã",
                    "name": "Tiêu chí",
                    "max_points": "Tối đa",
                    "points": "Điểm",
                    "baseline_text": f"Điểm {view.baseline_year}",
                    "badge": "Trạng thái",
                    "owner": "Người phụ trách",
                    "note": "Ghi chú",
                },
                {"max_points": _pts, "points": _pts},
                html_columns=("badge",),
            )
        )
    parts.append(html.paragraph("Tiêu chí thành phần đạt tối đa cả hai năm không liệt kê."))
    return "".join(parts)


def unmatched_table(view: ParView) -> str:
    """Criteria of either year without a counterpart: named, not compared."""
    if not view.has_data or view.unmatched.empty:
        return html.paragraph("Không có tiêu chí nào thiếu tiêu chí tương ứng giữa hai năm.")
    frame = view.unmatched.assign(
        side_vi=view.unmatched["side"].map(
            {"dropped": f"Chỉ có năm {view.baseline_year}", "new": f"Mới năm {view.year}"}
        )
    )
    return html.table(
        frame,
        {
            "side_vi": "Bộ tiêu chí",
            "code": "Mã",
            "name": "Tiêu chí",
            "max_points": "Tối đa",
            "points": "Điểm",
            "lost": "Mất",
            "note": "Ghi chú",
        },
        {"max_points": _pts, "points": _pts, "lost": _pts},
    )


# ---------------------------------------------------------------- Pareto


def pareto_chart(view: ParView) -> str | Figure:
    """Lost points per criterion, most first, with the cumulative share of all lost points."""
    frame = view.pareto if view.has_data else pd.DataFrame()
    if frame.empty:
        return (
            html.no_data("Điểm bị mất theo tiêu chí")
            if not view.has_data
            else html.paragraph("Đơn vị không bị mất điểm ở tiêu chí nào.")
        )
    fig, ax = plt.subplots(figsize=(9, 4.2))
    colours = [charts.BAD if vital else charts.NEUTRAL for vital in frame["vital"]]
    ax.bar(frame["code"], frame["lost"], color=colours)
    ax.set_xlabel("Tiêu chí (mã)")
    ax.set_ylabel("Điểm bị mất")
    ax.set_title(f"Pareto điểm bị mất theo tiêu chí — {_name(view)}, {view.period.label_vi}")
    line = ax.twinx()
    line.plot(frame["code"], frame["cum_share"], color=charts.TARGET, marker="o")
    line.axhline(80, color=charts.BASELINE, linestyle="--", linewidth=1)
    line.set_ylim(0, 105)
    line.set_ylabel("Tỷ lệ cộng dồn (%)")
    line.spines["right"].set_visible(True)
    ax.tick_params(axis="x", rotation=45)
    return fig


def pareto_table(view: ParView) -> str:
    if not view.has_data or view.pareto.empty:
        return ""
    frame = view.pareto.assign(badge=_badges(view.pareto))
    vital = int(frame["vital"].sum())
    intro = html.paragraph(
        f"{vital} trong {len(frame)} tiêu chí bị mất điểm chiếm khoảng 80 % tổng số điểm bị mất "
        f"({_pts(frame['lost'].sum())} điểm, tính trên phần đã chấm)."
    )
    return intro + html.table(
        frame,
        {
            "code": "Mã",
            "name": "Tiêu chí",
            "lost": "Mất",
            "cum_share": "Cộng dồn",
            "badge": "Trạng thái",
            "owner": "Người phụ trách",
        },
        {"lost": _pts, "cum_share": lambda v: fmt.percent(v, 1)},
        html_columns=("badge",),
    )


# ---------------------------------------------------------------- self-assessment gap


def self_gap_table(view: ParView) -> str:
    """Baseline year: what the unit gave itself against what the appraisal gave, by field and total."""
    gap = view.self_gap
    if not view.has_data or gap.empty or not view.has_baseline:
        return html.no_data(f"Điểm tự đánh giá và thẩm định năm {view.baseline_year}")
    fields = gap[gap["level"].isin(["index", "group"])].assign(
        label=lambda f: f["code"].where(f["code"] != TOTAL, "Tổng")
    )
    total = gap[gap["code"] == TOTAL].iloc[0]
    over = gap[gap["is_leaf"].astype(bool) & (gap["gap"] > EPS)].sort_values(["gap", "code"], ascending=[False, True])
    text = html.paragraph(
        f"Năm {view.baseline_year} đơn vị tự chấm {_pts(total['self'])} điểm, thẩm định còn "
        f"{_pts(total['appraised'])} điểm: tự chấm cao hơn {_pts(total['gap'])} điểm, ở {len(over)} tiêu chí "
        f"thành phần (so trên {int(total['n_compared'])} tiêu chí thành phần có cả hai điểm)."
    )
    text += html.table(
        fields,
        {"label": "Lĩnh vực", "name": "Tên", "self": "Tự đánh giá", "appraised": "Thẩm định", "gap": "Chênh lệch"},
        {"self": _pts, "appraised": _pts, "gap": lambda v: fmt.signed(v, 2)},
    )
    if len(over):
        text += "<h3>Tiêu chí thành phần tự chấm cao hơn thẩm định</h3>" + html.table(
            over,
            {"code": "Mã", "name": "Tiêu chí", "self": "Tự đánh giá", "appraised": "Thẩm định", "gap": "Chênh lệch"},
            {"self": _pts, "appraised": _pts, "gap": lambda v: fmt.signed(v, 2)},
        )
    return text


def self_gap_chart(view: ParView) -> str | Figure:
    gap = view.self_gap
    if not view.has_data or gap.empty or not view.has_baseline:
        return ""
    fields = gap[gap["level"] == "group"]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.barh(
        fields["code"] + ". " + fields["name"],
        fields["gap"],
        color=[charts.BAD if g > EPS else charts.NEUTRAL for g in fields["gap"]],
    )
    ax.invert_yaxis()
    ax.set_xlabel("Điểm tự chấm cao hơn thẩm định")
    ax.set_ylabel("Lĩnh vực")
    ax.set_title(f"Chênh lệch tự đánh giá – thẩm định năm {view.baseline_year}")
    return fig


# ---------------------------------------------------------------- owners


def owners_table(view: ParView) -> str:
    """Points at stake per official named by the plan (owners.csv)."""
    if not view.has_data:
        return html.no_data(NO_PAR)
    return html.table(
        view.owners,
        {
            "owner": "Người phụ trách",
            "losing": "Số tiêu chí thành phần còn mất điểm",
            "lost_now": "Điểm đang mất",
            "lost_before": f"Điểm mất năm {view.baseline_year}",
            "recovered": "Đã khắc phục",
            "still_lost": "Vẫn mất",
            "newly_lost": "Mới mất",
        },
        {c: _pts for c in ("lost_now", "lost_before", "recovered", "still_lost", "newly_lost")},
    )


# ---------------------------------------------------------------- peers


def peers_table(view: ParView) -> str:
    """Every unit of the city: baseline-year and current totals, ratio, rank and rating."""
    if view.peers.empty:
        return html.no_data("Điểm PAR INDEX của các phường, xã")
    frame = view.peers.assign(mark=(view.peers["unit"] == view.unit).map({True: "◀ đơn vị này", False: ""}))
    frame = frame.sort_values(["rank_now", "display"], na_position="last")
    year, base = view.year, view.baseline_year
    return html.table(
        frame,
        {
            "display": "Đơn vị",
            "points_before": f"Điểm {base}",
            "ratio_before": f"Tỷ lệ {base}",
            "rank_before": f"Hạng {base}",
            "rating_before": f"Xếp loại {base}",
            "points_now": f"Điểm {year}",
            "ratio_now": f"Tỷ lệ {year}",
            "rank_now": f"Hạng {year}",
            "mark": "",
        },
        {
            "points_before": _pts,
            "points_now": _pts,
            "ratio_before": lambda v: fmt.percent(v, 2),
            "ratio_now": lambda v: fmt.percent(v, 2),
            "rank_before": lambda v: "" if pd.isna(v) else str(v),
            "rank_now": lambda v: "" if pd.isna(v) else str(v),
        },
    )


def _ranked_bars(labels: pd.Series, ratios: pd.Series, mine: pd.Series, title: str, xlabel: str) -> Figure:
    """Horizontal bars, best first, this unit in red, each labelled with its ratio; the axis starts a little
    below the lowest ratio (labelled, so the zoom does not mislead) and the 80 % "Tốt" line is drawn."""
    values = ratios.astype(float)
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(labels) + 1.2))
    ax.barh(labels, values, color=[charts.BAD if m else charts.BASELINE for m in mine])
    for position, value in enumerate(values):
        ax.text(value + 0.2, position, fmt.percent(value, 2), va="center", fontsize=8)
    ax.invert_yaxis()
    ax.axvline(80, color=charts.TARGET, linestyle="--", linewidth=1)
    ax.set_xlim(max(0, min(values.min(), 80) // 5 * 5 - 5), 103)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Đơn vị")
    ax.set_title(title)
    return fig


def peers_chart(view: ParView) -> str | Figure:
    frame = view.peers.dropna(subset=["ratio_now"]) if len(view.peers) else view.peers
    if frame.empty:
        return ""
    frame = frame.sort_values(["ratio_now", "display"], ascending=[False, True])
    return _ranked_bars(
        frame["display"],
        frame["ratio_now"],
        frame["unit"] == view.unit,
        f"Tỷ lệ điểm PAR INDEX các phường, xã — {view.period.label_vi}",
        "Tỷ lệ điểm đạt (%); đường đứt: ngưỡng Tốt 80 %",
    )


def province_table(view: ParView) -> str:
    """Thành phố Tây Ninh among the province's districts (QĐ 2729/QĐ-UBND, 2023 — real data)."""
    districts = view.province[view.province["unit_type"] == "district"]
    districts = districts.assign(mark=districts["unit"].str.contains(CITY).map({True: "◀", False: ""}))
    return html.table(
        districts,
        {
            "unit": "Đơn vị",
            "max_points": "Điểm tối đa",
            "points": "Điểm thẩm định",
            "ratio": "Tỷ lệ",
            "rank": "Hạng",
            "rating": "Xếp loại",
            "mark": "",
        },
        {
            "max_points": lambda v: "không công bố" if pd.isna(v) else _pts(v),
            "points": lambda v: "không công bố" if pd.isna(v) else _pts(v),
            "ratio": lambda v: fmt.percent(v, 2),
            "rank": lambda v: str(v),
        },
    )


def province_chart(view: ParView) -> Figure:
    districts = view.province[view.province["unit_type"] == "district"].sort_values("rank")
    return _ranked_bars(
        districts["unit"],
        districts["ratio"],
        districts["unit"].str.contains(CITY),
        "Chỉ số CCHC năm 2023 các huyện, thị xã, thành phố tỉnh Tây Ninh (QĐ 2729)",
        "Tỷ lệ điểm thẩm định / điểm tối đa (%)",
    )


# ---------------------------------------------------------------- data quality and settings


def quality(view: ParView) -> str:
    """Validation issues and quarantined rows of this unit's score files."""
    issues = view.issues.assign(kind_vi=view.issues["kind"].map(KIND_VI))
    text = html.table(
        issues,
        {"kind_vi": "Loại", "file": "Tệp", "row": "Dòng", "code": "Mã", "message": "Nội dung"},
        {"row": lambda v: "" if pd.isna(v) else str(v)},
        empty="Không phát hiện điểm bất thường giữa các dòng (thiếu tiêu chí, tổng không khớp).",
    )
    text += html.table(
        view.quarantine,
        {"file": "Tệp", "row": "Dòng", "column": "Cột", "value": "Giá trị", "reason": "Lý do cách ly"},
        {"row": lambda v: "" if pd.isna(v) else str(v)},
        empty="Không có dòng điểm nào của đơn vị bị cách ly.",
    )
    return text


def settings(view: ParView) -> str:
    """The settings this report used, as docs/methodology.md asks for non-official rules."""
    kinds = {"sample": "bộ tiêu chí MẪU (chưa phải bộ chính thức)", "official": "bộ chính thức"}
    sets = "; ".join(f"năm {year}: {kinds.get(status, status)}" for year, status in sorted(view.set_status.items()))
    limits = view.bands["min_percent"].tolist()
    bands = ", ".join(
        f"{b.rating} ≥ {fmt.number(b.min_percent)} %"
        if b.min_percent > 0 or i == 0
        else f"{b.rating} < {fmt.number(limits[i - 1])} %"
        for i, b in enumerate(view.bands.itertuples())
    )
    lines = [
        f"Bộ tiêu chí: {sets}.",
        f"Xếp loại (theo Quyết định 2729/QĐ-UBND ngày 25/12/2023 của UBND tỉnh Tây Ninh): {bands}; không có mức "
        "“Trung bình” trong các mức tỉnh công bố. Tỷ lệ = điểm / điểm tối đa, làm tròn 2 chữ số.",
        f"So sánh năm {view.baseline_year} với năm {view.year} qua bảng đối chiếu mã tiêu chí "
        f"giữa hai năm; tiêu chí không có tiêu chí tương ứng được nêu tên, "
        "không so sánh.",
        "Trạng thái: "
        + " ".join(status_notes("recovered", "still_lost", "newly_lost", "full", "no_baseline", "no_data"))
        + " Lĩnh vực và tổng: vẫn mất điểm nếu có tiêu chí "
        "thành phần vẫn mất điểm, sau đó mới mất điểm, đã khắc phục, đạt tối đa. “Vẫn mất điểm” nói về điểm còn "
        "mất, không nói về xu hướng: tổng điểm tăng hay giảm so với năm gốc là dòng “thay đổi” ở đầu báo cáo.",
        "Điểm của tiêu chí cha, lĩnh vực và tổng luôn cộng từ tiêu chí thành phần; tổng ghi sẵn trong tệp chỉ dùng để "
        "kiểm tra. Người phụ trách theo Kế hoạch 23/KH-UBND.",
    ]
    return "".join(html.paragraph(line) for line in lines)
