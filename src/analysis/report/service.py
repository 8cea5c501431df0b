"""The service report's pieces (notebook 10_service_index): the first-screen summary and its sentences, the
form II.06a and QĐ 766 tables, breakdowns, charts, the late-dossier list and the notes on method.

``show_*`` functions display one section each, so a notebook cell is one call; the builders they use
(``headline``, ``key_figures``, ``*_figure``) return strings, frames and figures and are tested on their own.
Every text that comes from data goes through analysis.report.html (escaped).
"""

from __future__ import annotations

from html import escape
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis import fmt
from analysis.collect.service import ServiceView
from analysis.indicators.long import is_missing, status_notes, targets_summary
from analysis.indicators.service import (
    COLUMN_VI,
    FORM_LABELS,
    LATE_FOR_CITIZEN,
    MANUAL_SOURCE_VI,
    SATISFACTION_TARGET_VI,
)
from analysis.indicators.service_detail import handling_summary
from analysis.indicators.timeliness import OPTIONAL_COLUMNS
from analysis.periods import Period
from analysis.reference import units
from analysis.report import charts, html

KEY_CODES = [
    LATE_FOR_CITIZEN,
    "06a.10",
    "06a.13",
    "06a.ready",
    "apology.missing",
    "2.1.late",
    "2.1",
    "1",
    "3.3",
    "3.3.chung_thuc",
    "3.6",
    "4.1",
    "4.2",
    "5.4",
]
FORM_CODES = [
    "06a.3",
    "06a.4",
    "06a.5",
    "06a.6",
    "06a.7",
    "06a.8",
    "06a.9",
    "06a.10",
    "06a.11",
    "06a.12",
    "06a.13",
    "06a.ready",
    "06a.closed",
    "06a.no_due",
    LATE_FOR_CITIZEN,
]
SCORED_CODES = ["1", "1.1", "1.2", "1.3", "1.4", "2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4"]
SHORT_LIST = 5
NOTE_COLUMNS_VI = {**COLUMN_VI, "supplement_requests": "số lần yêu cầu bổ sung"}
# The key-figures table names the date view of each late count, so the two views are never confused.
KEY_LABELS = {
    LATE_FOR_CITIZEN: "Trễ hạn với người dân (biểu II.06a: cột 10 + cột 13)",
    "2.1.late": "Hồ sơ trễ hạn theo cách tính QĐ 766 (ngày kết thúc xử lý)",
    "06a.10": "Trễ hạn với người dân: đã trả kết quả quá hạn (biểu II.06a, cột 10)",
    "06a.13": "Trễ hạn với người dân: đang giải quyết quá hạn (biểu II.06a, cột 13)",
    "06a.ready": "Đã có kết quả đúng hạn, chờ công dân nhận (không tính là trễ)",
}


def code_label(code: str) -> str:
    """The code a reader sees: the column of form II.06a ("13"), "Ghi riêng" for rows outside the form's
    numbered columns, QĐ 766's own numbers ("2.1") as they are."""
    if code in FORM_LABELS:
        return FORM_LABELS[code]
    return code.removeprefix("06a.")


# ------------------------------------------------------------------ values as the reader sees them


def _value(value: object, measure: object) -> str:
    if measure == "percent":
        return fmt.percent(value)
    return fmt.number(value)


def _difference(value: object, measure: object) -> str:
    """A change or a gap: percentage points for percentages, dossiers for counts."""
    return fmt.signed(value, 1 if measure == "percent" else 0, "điểm %" if measure == "percent" else "hồ sơ")


def _gap(gap: float, status: str, measure: str) -> str:
    if is_missing(gap):
        return "—"
    if gap <= 0:
        return "đạt" if status == "met" else "0"
    return "còn " + _difference(gap, measure).lstrip("+")


def _target(target: float, comparison: str | None, measure: str) -> str:
    """As the plan words it: "trên 80,0 %" for ">", "0" for "no late dossier"."""
    if is_missing(target):
        return "—"
    words = {">": "trên ", "<": "dưới ", ">=": "", "<=": "tối đa "}.get(comparison or "", "")
    return ("" if target == 0 and comparison == "<=" else words) + _value(target, measure)


def _by_code(rows: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    picked = rows.set_index("code").reindex(codes).reset_index()
    return picked.loc[picked["name"].notna()]


def _figures_table(
    rows: pd.DataFrame,
    codes: list[str],
    comparisons: dict[str, str],
    with_points: bool = False,
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Rows ready for html.table: formatted values, 2023, change, target, gap and a status badge."""
    picked = _by_code(rows, codes)
    measures = picked["measure"].tolist()
    shown = pd.DataFrame(
        {
            "code": [code_label(c) for c in picked["code"]],
            "name": [(labels or {}).get(c, n) for c, n in zip(picked["code"], picked["name"])],
            "value": [_value(v, m) for v, m in zip(picked["value"], measures)],
            "baseline": [_value(v, m) for v, m in zip(picked["baseline"], measures)],
            "change": [_difference(v, m) for v, m in zip(picked["change_vs_baseline"], measures)],
            "target": [
                _target(t, comparisons.get(c), m) for t, c, m in zip(picked["target"], picked["code"], measures)
            ],
            "gap": [_gap(g, s, m) for g, s, m in zip(picked["gap_to_target"], picked["status"], measures)],
            "status": ["" if is_missing(s) else html.status_badge(s) for s in picked["status"]],
            "note": picked["note"].fillna("").to_numpy(),
            "owner": picked["owner"].fillna("").to_numpy(),  # the plan's owner of the gap (plan/tasks.csv)
        }
    )
    if with_points:
        shown["points"] = [fmt.points(p) if not is_missing(p) else "—" for p in picked["points"]]
        shown["max_points"] = [fmt.number(p) if not is_missing(p) else "—" for p in picked["max_points"]]
    return shown


def _comparison_columns(baseline_label: str) -> dict[str, str]:
    return {
        "value": "Kỳ này",
        "baseline": baseline_label,
        "change": "Thay đổi",
        "target": "Chỉ tiêu KH 23",
        "gap": "Khoảng cách",
        "status": "Đánh giá",
    }


# ------------------------------------------------------------------ the first screen


def _count(rows: pd.DataFrame, code: str) -> Any:
    """The unit's value of ``code``: a number, or NA."""
    found = rows.loc[rows["code"] == code, "value"]
    return found.iloc[0] if len(found) else pd.NA


def headline(rows: pd.DataFrame, targets: pd.DataFrame | None = None) -> str:
    """One or two Vietnamese sentences, from the numbers, for the unit's rows of one period; ``targets``
    (index, code, counted) as in plan/targets.csv — by default every row with a target."""
    first = rows.iloc[0]
    where = _display_name(str(first["unit"]))
    when = Period.parse(str(first["period"])).label_vi
    late_returned, overdue = _count(rows, "06a.10"), _count(rows, "06a.13")
    late_766, on_time = _count(rows, "2.1.late"), _count(rows, "2.1")
    if is_missing(_count(rows, "06a.3")):
        return f"{when}: {where} không có dữ liệu hồ sơ một cửa."
    citizen = int(_count(rows, LATE_FOR_CITIZEN))
    if citizen == 0:
        first_sentence = f"{when}, {where} không có hồ sơ trễ hạn với người dân (theo ngày trả kết quả)"
    else:
        first_sentence = (
            f"{when}, {where} có {citizen} hồ sơ trễ hạn với người dân (theo ngày trả kết quả: "
            f"{fmt.number(late_returned)} đã trả quá hạn, {fmt.number(overdue)} đang giải quyết quá hạn)"
        )
        missing = _count(rows, "apology.missing")
        if is_missing(missing):
            first_sentence += "; tệp xuất không cho biết đã lập phiếu xin lỗi hay chưa"
        elif missing:
            first_sentence += f", trong đó {int(missing)} hồ sơ chưa có phiếu xin lỗi"
        else:
            first_sentence += ", tất cả đều đã có phiếu xin lỗi"
    ready = _count(rows, "06a.ready")
    if not is_missing(ready) and ready:
        first_sentence += (
            f". {int(ready)} hồ sơ khác đã có kết quả trước hoặc đúng hạn, đang chờ công dân đến "
            "nhận: không tính là trễ hạn"
        )
    second = (
        f"Theo cách tính của QĐ 766 (ngày kết thúc xử lý) có {fmt.number(late_766)} hồ sơ trễ hạn; "
        f"tỷ lệ giải quyết đúng hạn {fmt.percent(on_time)}"
    )
    baseline = rows.loc[rows["code"] == "2.1", "baseline"].iloc[0]
    if not is_missing(baseline):
        second += f" ({Period.parse(str(first['baseline_period'])).label_vi}: {fmt.percent(baseline)})"
    return f"{first_sentence}. {second}. {targets_sentence(rows, targets)}"


def _display_name(unit: str) -> str:
    found = units.find(unit)
    return found.display if found else unit


def targets_sentence(rows: pd.DataFrame, targets: pd.DataFrame | None = None) -> str:
    """ "Trong 10 chỉ tiêu …: đạt 3, chưa đạt 5, không có dữ liệu 2 (1, 3.6)" — long.targets_summary's count,
    the one the overview shows."""
    if targets is None:
        targets = rows.loc[rows["target"].notna(), ["index", "code"]].assign(counted=1)
    found = targets_summary(rows, targets).iloc[0]
    text = (
        f"Trong {int(found['targets'])} chỉ tiêu của Kế hoạch 23/KH-UBND: đạt {int(found['met'])}, "
        f"chưa đạt {int(found['not_met'])}"
    )
    if found["no_data"]:
        counted = targets.loc[targets["counted"].astype(int) == 1, "code"]
        by_code = rows.set_index("code")
        without = [c for c in counted if is_missing(by_code["status"].get(c)) or by_code["status"].get(c) == "no_data"]
        names = [str(by_code["name"].get(c)) if not is_missing(by_code["name"].get(c)) else c for c in without]
        text += f", không có dữ liệu {int(found['no_data'])} ({'; '.join(names)})"
    return text + "."


def late_procedures(by_procedure: pd.DataFrame, limit: int = 5) -> str:
    """ "Hồ sơ trễ hạn thuộc các thủ tục: …" from the procedure breakdown, most late first."""
    late = by_procedure.loc[(by_procedure["late"] + by_procedure["late_for_citizen"]) > 0]
    if late.empty:
        return "Không có thủ tục nào có hồ sơ trễ hạn."
    parts = [
        f"{p} ({int(c)} trễ với người dân, {int(k)} theo QĐ 766)"
        for p, c, k in zip(late["procedure_name"], late["late_for_citizen"], late["late"])
    ][:limit]
    more = f" và {len(late) - limit} thủ tục khác" if len(late) > limit else ""
    return "Hồ sơ trễ hạn thuộc các thủ tục: " + "; ".join(parts) + more + "."


def summary(view: ServiceView) -> str:
    """The first screen: headline, key figures against target and baseline, the procedures and the first late
    dossiers."""
    if not view.has_data:
        return html.no_data(
            f"Hồ sơ một cửa của {_display_name(view.unit)} trong {view.period.label_vi}"
        ) + html.paragraph(
            "Báo cáo dừng ở đây: chưa có tệp xuất một cửa nào của đơn vị cho kỳ này trong data/raw/one_stop/."
        )
    parts = [
        f'<p class="chiso-headline">{escape(headline(view.rows, view.targets))}</p>',
        html.paragraph(late_procedures(view.by_procedure)),
        html.table(
            _figures_table(view.rows, KEY_CODES, view.comparisons, labels=KEY_LABELS),
            {"name": "Chỉ số", **_comparison_columns(view.baseline_period.label_vi)},
            html_columns=("status",),
        ),
    ]
    if len(view.late):
        parts.append(html.heading(f"Hồ sơ trễ hạn ({len(view.late)} hồ sơ, trễ lâu nhất trước)", 4))
        parts.append(late_list(view.late.head(SHORT_LIST), short=True))
        if len(view.late) > SHORT_LIST:
            parts.append(html.paragraph(f"… xem danh sách đầy đủ {len(view.late)} hồ sơ ở cuối báo cáo."))
    return "\n".join(parts)


# ------------------------------------------------------------------ tables


def form_06a(view: ServiceView) -> str:
    return html.table(
        _figures_table(view.rows, FORM_CODES, view.comparisons),
        {
            "code": "Cột",
            "name": "Nội dung",
            "value": "Số hồ sơ",
            "baseline": view.baseline_period.label_vi,
            "change": "Thay đổi",
            "status": "Đánh giá",
        },
        html_columns=("status",),
    )


def scored_indicators(view: ServiceView) -> str:
    columns = {
        "code": "Mã",
        "name": "Chỉ số thành phần",
        **_comparison_columns(view.baseline_period.label_vi),
        "points": "Điểm",
        "max_points": "Điểm tối đa",
        "owner": "Người phụ trách",
        "note": "Ghi chú",
    }
    return html.table(
        _figures_table(view.rows, SCORED_CODES, view.comparisons, with_points=True), columns, html_columns=("status",)
    )


BREAKDOWN_VI = {
    "handled": "Phải giải quyết",
    "on_time": "Đúng hạn (QĐ 766)",
    "late": "Trễ (QĐ 766)",
    "late_share": "Tỷ lệ trễ (QĐ 766)",
    "late_for_citizen": "Trễ với người dân (II.06a)",
    "apology_missing": "Chưa có phiếu xin lỗi",
}


def breakdown_table(table: pd.DataFrame, by: str) -> str:
    label = {"field": "Lĩnh vực", "procedure_name": "Thủ tục"}[by]
    return html.table(table, {by: label, **BREAKDOWN_VI}, {"late_share": fmt.percent})


def handling_table(summary_table: pd.DataFrame) -> str:
    return html.table(
        summary_table,
        {
            "field": "Lĩnh vực",
            "dossiers": "Số hồ sơ có kết quả",
            "mean_days": "Trung bình (ngày lịch)",
            "median_days": "Trung vị (ngày lịch)",
            "max_days": "Lâu nhất (ngày lịch)",
        },
        {"mean_days": lambda v: fmt.number(v, 1), "median_days": lambda v: fmt.number(v, 1)},
    )


PRINTED_LATE_ROWS = 40  # the printed report lists this many late dossiers; the HTML has all of them
RESUPPLIED_VI = "0 (trễ vì yêu cầu bổ sung quá một lần)"


def late_list(late: pd.DataFrame, short: bool = False) -> str:
    """The late dossiers: ids, procedure, field and dates only (no personal data)."""
    columns = {"dossier_id": "Mã hồ sơ", "procedure_name": "Thủ tục", "field": "Lĩnh vực"}
    if not short:
        columns |= {"received": "Tiếp nhận", "judged_on": "Kết thúc xử lý (hoặc cuối kỳ)", "returned": "Trả kết quả"}
    columns |= {
        "due": "Hẹn trả",
        "days_late_766": "Số ngày lịch trễ (QĐ 766)",
        "days_late_citizen": "Số ngày lịch trễ với người dân",
        "apology": "Phiếu xin lỗi",
    }
    dates = {c: fmt.day for c in ("received", "judged_on", "returned", "due")}
    days = {c: (lambda v: "—" if is_missing(v) else fmt.number(v)) for c in ("days_late_766", "days_late_citizen")}
    if "resupplied" in late:  # late in 2.1 for its supplement requests alone: say why instead of a day count
        late = late.assign(
            days_late_766=[
                RESUPPLIED_VI if r and is_missing(d) else d for d, r in zip(late["days_late_766"], late["resupplied"])
            ]
        )
        days["days_late_766"] = lambda v: v if isinstance(v, str) else ("—" if is_missing(v) else fmt.number(v))
    returned = {"returned": lambda v: "chưa trả" if is_missing(v) else fmt.day(v)}
    return html.table(
        late,
        columns,
        {**dates, **days, **returned, "apology": _yes_no},
        empty="Không có hồ sơ trễ hạn.",
        print_rows=None if short else PRINTED_LATE_ROWS,
        print_hide=("received", "judged_on"),
        full_list="bản HTML của báo cáo này và sổ đã chạy (.ipynb) cùng thư mục",
    )


def _yes_no(value: object) -> str:
    if is_missing(value):
        return "không rõ"
    return "có" if value else "chưa có"


# ------------------------------------------------------------------ charts


def late_share_figure(by_field: pd.DataFrame) -> Figure:
    """Late share per field (QĐ 766), most late at the top, the late counts written on the bars."""
    table = by_field.loc[by_field["judged"] > 0].sort_values(["late_share", "field"], ascending=[True, False])
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.4))
    shares = table["late_share"].astype(float).to_numpy()
    colours = [charts.BAD if s > 0 else charts.GOOD for s in shares]
    ax.barh(table["field"].astype(str), shares, color=colours)
    for y, (share, late, judged) in enumerate(zip(shares, table["late"], table["judged"])):
        ax.text(share, y, f" {fmt.percent(share)} ({fmt.number(late)}/{fmt.number(judged)})", va="center", fontsize=9)
    ax.set_xlim(0, max(10.0, shares.max() * 1.3 if len(shares) else 10.0))
    ax.set_title("Tỷ lệ hồ sơ trễ hạn theo lĩnh vực (cách tính QĐ 766)")
    ax.set_xlabel("Tỷ lệ trễ hạn (%) — số trễ / số hồ sơ được xét")
    ax.set_ylabel("Lĩnh vực")
    return fig


def handling_figure(times: pd.DataFrame) -> Figure:
    """Days from received to end of processing, one box per field."""
    order = times.groupby("field")["days"].median().sort_values().index.tolist()
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(order) + 1.4))
    ax.boxplot(
        [times.loc[times["field"] == f, "days"].to_numpy() for f in order],
        orientation="horizontal",
        tick_labels=order,
        patch_artist=True,
        boxprops={"facecolor": "#cfd8dc"},
        medianprops={"color": charts.NEUTRAL},
    )
    ax.set_title("Thời gian giải quyết hồ sơ theo lĩnh vực")
    ax.set_xlabel("Số ngày lịch từ tiếp nhận đến kết thúc xử lý")
    ax.set_ylabel("Lĩnh vực")
    return fig


def trend_figure(trend: pd.DataFrame, period: Period) -> Figure:
    """On-time percentage and late dossiers month by month, this year against the baseline year."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for year in sorted(set(trend["year"]), reverse=True):
        colour, style = (charts.NEUTRAL, "-") if year == period.year else (charts.BASELINE, "--")
        part = trend.loc[trend["year"] == year]
        months = part["month"].to_numpy()
        left.plot(months, part["on_time_pct"].astype(float), style, marker="o", color=colour, label=str(year))
        right.plot(months, part["late_for_citizen"], style, marker="o", color=colour, label=str(year))
    left.set_title("Tỷ lệ đúng hạn (QĐ 766)")
    left.set_ylabel("Tỷ lệ đúng hạn (%)")
    left.set_ylim(0, 105)
    right.set_title("Hồ sơ trễ hạn với người dân (II.06a)")
    right.set_ylabel("Số hồ sơ")
    right.set_ylim(bottom=0)
    months = sorted(set(trend["month"]))
    for ax in (left, right):
        ax.set_xticks(months, [str(m) for m in months])
        ax.set_xlabel("Tháng")
        ax.legend(title="Năm")
    baseline = min(trend["year"])
    fig.suptitle(
        f"Diễn biến theo tháng, {period.label_vi}"
        + (f" so với cùng kỳ năm {baseline}" if baseline != period.year else "")
    )
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ notes on method

METHOD_NOTES = [
    "Hai cách tính trễ hạn được nêu riêng: QĐ 766 (chỉ số 2.1) so ngày kết thúc xử lý với ngày hẹn trả, hồ sơ "
    "chưa kết thúc được xét tại ngày cuối kỳ; biểu II.06a so ngày trả kết quả với ngày hẹn trả.",
    "Mọi số ngày (số ngày trễ, thời gian giải quyết) là ngày lịch, kể cả thứ Bảy, Chủ nhật và ngày lễ; so sánh "
    "theo ngày, không theo giờ: trả lúc 18:00 ngày hẹn trả vẫn là đúng hạn.",
    "Hồ sơ mới đăng ký (trạng thái 1) và không được tiếp nhận (trạng thái 3) chưa phải hồ sơ đã tiếp nhận: không "
    "được tính ở bất kỳ chỉ tiêu nào.",
    "Đã giải quyết (biểu II.06a, cột 7–10) chỉ gồm hồ sơ có kết quả (trạng thái 9 hoặc 10) trả trong kỳ. Hồ sơ "
    "rút hoặc dừng xử lý (trạng thái 7, 8) có ngày trả vẫn là rút/dừng xử lý: không phải trả quá hạn, không trễ "
    "hạn với người dân, không phải lập phiếu xin lỗi.",
    "Hồ sơ đã xử lý xong (trạng thái 9) trước hoặc đúng ngày hẹn trả nhưng công dân chưa đến nhận được ghi riêng "
    "(“đã có kết quả, chờ công dân nhận”): không phải đang giải quyết quá hạn, không trễ hạn với người dân, không "
    "phải lập phiếu xin lỗi. Xử lý xong sau ngày hẹn trả mà chưa trả thì vẫn là quá hạn.",
    "Hồ sơ trễ hạn với người dân = đã trả quá hạn (cột 10) + đang giải quyết quá hạn (cột 13); tính một lần và "
    "dùng chung cho báo cáo này, bảng tổng quan và danh sách phiếu xin lỗi.",
    "Ngày kết thúc xử lý là ngày hoàn thành; nếu trống, lấy ngày trả kết quả. Hồ sơ rút hoặc dừng xử lý không có "
    "ngày nào được coi là kết thúc tại ngày tiếp nhận (không chuyển sang kỳ sau).",
    "Hồ sơ không có ngày hẹn trả không xét được đúng hay trễ hạn: không tính vào 2.1, ghi riêng ở biểu II.06a.",
    "Biểu II.06a: tổng tiếp nhận = đã giải quyết + đang giải quyết + đã có kết quả chờ công dân nhận + rút/dừng "
    "xử lý không trả kết quả + không có ngày hẹn trả.",
    "Quy tắc của QĐ 766 “yêu cầu bổ sung quá một lần tính là trễ hạn” được áp dụng cho chỉ số 2.1 khi tệp xuất có "
    "cột số lần yêu cầu bổ sung (biểu II.06a chỉ so ngày, không áp dụng). Thời hạn luật định khi thiếu ngày hẹn "
    "trả chưa được áp dụng (tệp xuất không có thời hạn giải quyết theo quy định).",
    "Hồ sơ không ghi hình thức nộp được tính là nộp trực tiếp, như Cổng DVCQG, ở cả cột 5 biểu II.06a và chỉ số "
    "3.3; số hồ sơ như vậy được nêu trong ghi chú của hai dòng này.",
    "5.4 = 100 − (% trễ hạn + % có phản ánh hoặc đánh giá không hài lòng), trên các hồ sơ được xét ở chỉ số 2.1.",
    "Các chỉ số thành phần 1, 1.1–1.4 và 5.1–5.3 không tính được từ tệp xuất hồ sơ: lấy từ "
    + MANUAL_SOURCE_VI
    + " khi có, nếu không ghi “không có dữ liệu — cần …” kèm số liệu cần có, không bỏ qua chỉ tiêu.",
    "Trạng thái của hồ sơ kỳ trước chuyển qua là trạng thái trong tệp xuất chứa hồ sơ đó: nếu tệp năm trước được "
    "xuất khi hồ sơ còn đang giải quyết hoặc chờ trả, hồ sơ vẫn được tính là chưa trả kết quả cho đến khi có tệp "
    "xuất mới hơn ghi ngày trả.",
]


def satisfaction_side_by_side(view: ServiceView) -> str:
    """5.4 (counted for the plan's > 95 % target) beside the unit's SIPAS index for the same period."""
    own = view.rows.loc[view.rows["code"] == "5.4"].iloc[0]
    rows = [
        {
            "what": "5.4 — hài lòng trong tiếp nhận, giải quyết TTHC (QĐ 766, từ hồ sơ một cửa; tính vào chỉ tiêu)",
            "value": fmt.percent(own["value"]),
            "status": html.status_badge(own["status"]),
        }
    ]
    if view.sipas is not None:
        rows.append(
            {
                "what": "SIPAS — chỉ số hài lòng chung (khảo sát người dân; đối chiếu, không đếm lại)",
                "value": f"{fmt.percent(view.sipas['value'])} (khoảng tin cậy {fmt.percent(view.sipas['ci_low'])}"
                f" – {fmt.percent(view.sipas['ci_high'])})",
                "status": html.status_badge(view.sipas["status"]),
            }
        )
    else:
        rows.append({"what": "SIPAS — chỉ số hài lòng chung (khảo sát người dân)", "value": fmt.NO_DATA, "status": ""})
    return html.paragraph(SATISFACTION_TARGET_VI) + html.table(
        pd.DataFrame(rows), {"what": "Chỉ số", "value": "Kỳ này", "status": "Đánh giá"}, html_columns=("status",)
    )


def notes(view: ServiceView) -> str:
    lines = list(METHOD_NOTES)
    year = view.baseline_period.year
    lines.append(
        f"Số liệu so sánh: cùng kỳ năm {year} (năm gốc của Kế hoạch 23/KH-UBND), tính từ dữ liệu năm "
        f"{year} theo đúng các quy tắc trên."
    )
    lines.append(SATISFACTION_TARGET_VI)
    if view.missing_columns:
        absent = ", ".join(NOTE_COLUMNS_VI[c] for c in OPTIONAL_COLUMNS if c in view.missing_columns)
        lines.append(
            f"Tệp xuất của đơn vị không có các cột: {absent}; chỉ số nào cần các cột này ghi "
            f"“{fmt.NO_DATA}”, không ghi 0."
        )
    lines.extend(view.settings_notes)
    lines.extend(status_notes("met", "improving", "flat", "worse", "no_baseline", "no_data"))
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


# ------------------------------------------------------------------ one call per notebook cell


def _display(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def _show_figure(fig: Figure) -> None:
    plt.show()
    plt.close(fig)


def show_summary(view: ServiceView) -> None:
    _display(summary(view))


def show_form_06a(view: ServiceView) -> None:
    _display(form_06a(view) if view.has_data else html.no_data("Biểu II.06a"))


def show_scored(view: ServiceView) -> None:
    if not view.has_data:
        _display(html.no_data("Chỉ số thành phần QĐ 766"))
        return
    _display(
        scored_indicators(view)
        + html.heading("Chỉ tiêu hài lòng trên 95 %: hai cách đo", 4)
        + satisfaction_side_by_side(view)
    )


def show_breakdown(view: ServiceView) -> None:
    if not view.has_data:
        _display(html.no_data("Phân tích theo lĩnh vực, thủ tục"))
        return
    _show_figure(late_share_figure(view.by_field))
    _display(
        html.heading("Theo lĩnh vực", 4)
        + breakdown_table(view.by_field, "field")
        + html.heading("Theo thủ tục", 4)
        + breakdown_table(view.by_procedure, "procedure_name")
    )


def show_handling(view: ServiceView) -> None:
    if not view.has_data or view.times.empty:
        _display(html.no_data("Thời gian giải quyết"))
        return
    _show_figure(handling_figure(view.times))
    _display(handling_table(handling_summary(view.times)))


def show_trend(view: ServiceView) -> None:
    if not view.has_data:
        _display(html.no_data("Diễn biến theo tháng"))
        return
    _show_figure(trend_figure(view.trend.loc[view.trend["unit"] == view.unit], view.period))


def show_late_list(view: ServiceView) -> None:
    _display(late_list(view.late) if view.has_data else html.no_data("Danh sách hồ sơ trễ hạn"))


def show_notes(view: ServiceView) -> None:
    _display(notes(view))
