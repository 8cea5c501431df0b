"""What the SIPAS notebook shows: the first-screen summary, tables and dot-and-whisker charts.

Every figure is shown with its interval and n; text from the data is escaped (analysis.report.html);
charts have Vietnamese titles and axis labels, a 95 % line and the baseline-year markers.
"""

from __future__ import annotations

import textwrap
from html import escape

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, display

from analysis import fmt
from analysis.collect.sipas import UnitReport
from analysis.indicators import sipas as index
from analysis.indicators.long import is_missing, status_notes
from analysis.indicators.service import SATISFACTION_TARGET_VI
from analysis.reference import units
from analysis.report import charts, html

SOURCE_LABEL = "Phiếu khảo sát sự hài lòng (SIPAS)"
AGGREGATION_VI = {
    "mean_of_criteria": "trung bình cộng tỷ lệ hài lòng của các tiêu chí (mỗi tiêu chí nặng như nhau)",
    "pooled_answers": "tỷ lệ hài lòng trên tất cả câu trả lời hợp lệ gộp lại (tiêu chí nhiều câu trả lời nặng hơn)",
    "mean_of_elements": "trung bình cộng của 5 yếu tố (mỗi yếu tố nặng như nhau)",
}
OVERALL_AGGREGATION_VI = dict(
    AGGREGATION_VI, mean_of_criteria="trung bình cộng của 22 tiêu chí (mỗi tiêu chí nặng như nhau)"
)
MET_RULE_VI = {
    "interval_beyond_target": "cả khoảng tin cậy nằm trên chỉ tiêu",
    "value_beyond_target": "giá trị đo được vượt chỉ tiêu",
}


def interval(low: object, high: object, digits: int = 1) -> str:
    """ "79,6–87,2 %" (Vietnamese decimals); missing -> no data."""
    if is_missing(low) or is_missing(high):
        return fmt.NO_DATA
    return f"{fmt.number(low, digits)}–{fmt.number(high, digits)} %"


def _has_forms(rep: UnitReport) -> bool:
    return rep.estimate.answered > 0


def no_forms(rep: UnitReport) -> str:
    """Why there is nothing to show: no SIPAS export at all, or none for this unit and period."""
    if not rep.has_source:
        return html.no_data(f"{SOURCE_LABEL}: chưa có tệp khảo sát nào trong data/raw/sipas/")
    found = units.find(rep.unit)
    return html.no_data(f"{SOURCE_LABEL} của {found.display if found else rep.unit} trong {rep.period.label_vi}")


# ---------------------------------------------------------------- first screen


def summary(rep: UnitReport) -> str:
    """The overall index with its interval, against the target and the baseline year, and the sample-size caveat."""
    if not _has_forms(rep):
        return no_forms(rep)
    row, s = rep.overall, rep.settings
    digits = close_digits(row)
    parts = [
        f'<p class="chiso-lead"><strong>Chỉ số hài lòng chung: {escape(fmt.percent(row["value"]))}</strong> '
        f"(khoảng tin cậy 95 %: {escape(interval(row['ci_low'], row['ci_high'], digits))}), tính từ "
        f"{escape(fmt.number(rep.estimate.answered))} phiếu có trả lời trong {escape(rep.period.label_vi)}. "
        f"{html.status_badge(row['status'])}</p>",
        html.paragraph(target_sentence(row, s)),
        html.paragraph(baseline_sentence(row, rep)),
        f"<p><strong>Lưu ý về cỡ mẫu.</strong> {escape(caveat(rep))}</p>",
    ]
    return "\n".join(parts)


def target_sentence(row: pd.Series, s: index.Settings) -> str:
    target = f"trên {fmt.number(s.target)} %" if s.comparison == ">" else f"từ {fmt.number(s.target)} % trở lên"
    head = f"Chỉ tiêu của Kế hoạch 23/KH-UBND: {target}."
    if row["status"] == "met":
        return f"{head} Đạt, kể cả khi tính sai số do cỡ mẫu."
    if row["ci_low"] > s.target if s.comparison == ">" else row["ci_low"] >= s.target:
        return (
            f"{head} Chưa khẳng định được: khoảng tin cậy nằm trên chỉ tiêu nhưng chỉ có "
            f"{fmt.number(row['n'])} câu trả lời, dưới ngưỡng {fmt.number(index.min_answers(s))} câu trả lời "
            "cần có để khẳng định (xem ghi chú phương pháp)."
        )
    if row["ci_high"] <= s.target if s.comparison == ">" else row["ci_high"] < s.target:
        return (
            f"{head} Chưa đạt: còn thiếu {fmt.number(row['gap_to_target'], 1)} điểm, và cả khoảng tin cậy "
            f"nằm dưới chỉ tiêu."
        )
    return (
        f"{head} Chưa khẳng định được: khoảng tin cậy chứa mức {fmt.number(s.target)} % "
        f"(chênh lệch đo được {fmt.signed(-row['gap_to_target'], 1, 'điểm')})."
    )


def baseline_sentence(row: pd.Series, rep: UnitReport) -> str:
    if is_missing(row["baseline"]):
        return f"Chưa có số liệu năm {rep.settings.baseline_period} của đơn vị để so sánh."
    source = "; số liệu mẫu — demo" if rep.baseline.demo else ""
    year = rep.settings.baseline_period
    head = (
        f"So với năm {year} ({fmt.percent(row['baseline'], close_digits(row))}{source}): "
        f"{fmt.signed(row['change_vs_baseline'], 1, 'điểm')}."
    )
    status = row["status"]
    if status == "improving":
        return f"{head} Cải thiện: cả khoảng tin cậy nằm trên mức {year}."
    if status == "worse":
        return f"{head} Kém đi: cả khoảng tin cậy nằm dưới mức {year}."
    if status == "met":
        verdict = "cao hơn" if row["ci_low"] > row["baseline"] else "chưa khác rõ rệt so với"
        return f"{head} Chỉ số {verdict} mức {year} khi tính sai số."
    return f"{head} Không đổi: khoảng tin cậy vẫn chứa mức {year}, nên chưa thể nói là cải thiện hay giảm."


def close_digits(row: pd.Series) -> int:
    """Two decimals when an interval end and the baseline would print alike ("79,8" and "79,8"), else one."""
    if is_missing(row["baseline"]) or is_missing(row["ci_low"]):
        return 1
    ends = (round(float(row["ci_low"]), 1), round(float(row["ci_high"]), 1))
    return 2 if round(float(row["baseline"]), 1) in ends else 1


def caveat(rep: UnitReport) -> str:
    """The sample-size caveat in plain Vietnamese, with this report's own margins."""
    row = rep.overall
    criteria = rep.estimate.criteria
    half = (row["ci_high"] - row["ci_low"]) / 2
    criterion_half = float(np.nanmedian((criteria["ci_high"] - criteria["ci_low"]) / 2))
    return (
        f"Mỗi con số ở đây được tính từ {fmt.number(rep.estimate.answered)} phiếu, không phải từ mọi người dân "
        f"đến giao dịch. Với cỡ mẫu này, chỉ số chung có thể lệch khoảng ±{fmt.number(half, 1)} điểm và một tiêu "
        f"chí riêng lẻ khoảng ±{fmt.number(criterion_half, 1)} điểm so với ý kiến của toàn bộ người dân. Vì vậy "
        f"báo cáo chỉ ghi “Cải thiện” hay “Kém đi” khi cả khoảng tin cậy nằm hẳn về một phía của mức "
        f"{rep.settings.baseline_period}; "
        "một thay đổi nhỏ hơn sai số được ghi là “Không đổi”. Cộng dồn cả năm (nhiều phiếu hơn) cho kết luận "
        "chắc chắn hơn một quý."
    )


def weakest_table(rep: UnitReport) -> str:
    """The three weakest criteria, with the gap to the target in points and in answers."""
    if not _has_forms(rep):
        return no_forms(rep)
    weak = rep.weakest.merge(rep.long[["code", "baseline", "status"]], on="code", how="left")
    owners = rep.long.loc[rep.long["code"] == "overall", "owner"].dropna()  # the plan names one owner for SIPAS
    weak = weak.assign(
        label=weak["code"] + " " + weak["name"],
        range=[interval(a, b) for a, b in zip(weak["ci_low"], weak["ci_high"])],
        badge=weak["status"].map(html.status_badge),
        owner=owners.iloc[0] if len(owners) else "",
    )
    return html.table(
        weak,
        {
            "label": "Tiêu chí",
            "value": "Tỷ lệ hài lòng",
            "range": "Khoảng tin cậy 95 %",
            "n": "Số câu trả lời",
            "baseline": f"Năm {rep.settings.baseline_period}",
            "gap_points": "Cách chỉ tiêu (điểm)",
            "gap_answers": "Cần thêm câu trả lời hài lòng",
            "owner": "Người phụ trách",
            "badge": "Đánh giá",
        },
        formats={
            "value": fmt.percent,
            "n": fmt.number,
            "baseline": fmt.percent,
            "gap_points": lambda v: fmt.number(v, 1),
            "gap_answers": fmt.number,
        },
        html_columns=("badge",),
    )


def drag_down(rep: UnitReport, per_criterion: int = 2) -> str:
    """For each weak criterion, the lowest groups with enough answers, and whether they are clearly lower."""
    if not _has_forms(rep):
        return no_forms(rep)
    table = rep.weak_by_group
    shown = table[table["shown"] & (table["value"] < table["others"])]
    lowest = shown.sort_values("value", kind="stable").groupby("code", sort=False).head(per_criterion)
    order = {code: i for i, code in enumerate(rep.weakest["code"])}
    lowest = lowest.assign(rank=lowest["code"].map(order)).sort_values(["rank", "value"], kind="stable")
    names = dict(zip(rep.estimate.criteria["code"], rep.estimate.criteria["name"]))
    lowest = lowest.assign(
        label=lowest["code"] + " " + lowest["code"].map(names),
        dimension_vi=lowest["dimension"].map(index.DIMENSIONS),
        range=[interval(a, b) for a, b in zip(lowest["ci_low"], lowest["ci_high"])],
        verdict=np.where(lowest["clearly_lower"], "thấp hơn rõ rệt", "thấp hơn nhưng chưa chắc (trong sai số)"),
    )
    intro = html.paragraph(
        f"Các nhóm có từ {rep.settings.min_group_answers} câu trả lời trở lên, có tỷ lệ hài lòng thấp hơn những "
        "người còn lại ở ba tiêu chí yếu nhất. “Thấp hơn rõ rệt” khi khoảng tin cậy 95 % của chênh lệch giữa nhóm "
        "và những người còn lại nằm hẳn dưới 0 (đã tính sai số của cả hai bên)."
    )
    body = html.table(
        lowest,
        {
            "label": "Tiêu chí",
            "dimension_vi": "Theo",
            "group": "Nhóm",
            "n": "Số câu trả lời",
            "value": "Tỷ lệ hài lòng",
            "range": "Khoảng tin cậy 95 %",
            "others": "Những người còn lại",
            "verdict": "Nhận định",
        },
        formats={"n": fmt.number, "value": fmt.percent, "others": fmt.percent},
        empty="Không có nhóm nào đủ lớn (n ≥ 30) mà thấp hơn những người còn lại.",
    )
    return intro + body + _lower_overall(rep)


def _lower_overall(rep: UnitReport) -> str:
    """Groups whose overall index is clearly below everyone else's, in one sentence."""
    lower = rep.breakdowns[rep.breakdowns["clearly_lower"]] if len(rep.breakdowns) else rep.breakdowns
    if lower.empty:
        return html.paragraph("Về chỉ số chung, không nhóm nào (đủ lớn) thấp hơn rõ rệt so với những người còn lại.")
    items = "; ".join(
        f"{index.DIMENSIONS[d].lower()} {g}: {fmt.percent(v)} ({interval(a, b)}) so với "
        f"{fmt.percent(o)} của những người còn lại"
        for d, g, v, a, b, o in zip(
            lower["dimension"], lower["group"], lower["value"], lower["ci_low"], lower["ci_high"], lower["others"]
        )
    )
    return html.paragraph(f"Về chỉ số chung, thấp hơn rõ rệt: {items}.")


# ---------------------------------------------------------------- detail tables


def criteria_table(rep: UnitReport) -> str:
    if not _has_forms(rep):
        return no_forms(rep)
    merged = rep.estimate.criteria.merge(rep.long[["code", "baseline", "status"]], on="code", how="left")
    merged = merged.assign(
        label=merged["code"] + " " + merged["name"],
        range=[interval(a, b) for a, b in zip(merged["ci_low"], merged["ci_high"])],
        badge=merged["status"].map(html.status_badge),
    )
    return html.table(
        merged,
        {
            "label": "Tiêu chí",
            "n": "Số câu trả lời",
            "value": "Hài lòng",
            "range": "Khoảng tin cậy 95 %",
            "share_dissatisfied": "Không hài lòng",
            "mean_score": "Điểm trung bình (1–5)",
            "baseline": f"Năm {rep.settings.baseline_period}",
            "gap_answers": "Cần thêm câu trả lời hài lòng",
            "badge": "Đánh giá",
        },
        formats={
            "n": fmt.number,
            "value": fmt.percent,
            "share_dissatisfied": fmt.percent,
            "mean_score": lambda v: fmt.number(v, 2),
            "baseline": fmt.percent,
            "gap_answers": fmt.number,
        },
        html_columns=("badge",),
    )


def elements_table(rep: UnitReport) -> str:
    if not _has_forms(rep):
        return no_forms(rep)
    rows = rep.long[rep.long["level"] != "criterion"]
    rows = rows.assign(
        label=np.where(rows["code"] == index.OVERALL, rows["name"], rows["code"] + " " + rows["name"]),
        range=[interval(a, b) for a, b in zip(rows["ci_low"], rows["ci_high"])],
        badge=rows["status"].map(html.status_badge),
    )
    return html.table(
        rows,
        {
            "label": "Yếu tố",
            "n": "Số phiếu",
            "value": "Chỉ số",
            "range": "Khoảng tin cậy 95 %",
            "baseline": f"Năm {rep.settings.baseline_period}",
            "change_vs_baseline": "Thay đổi (điểm)",
            "gap_to_target": "Cách chỉ tiêu (điểm)",
            "badge": "Đánh giá",
            "note": "Ghi chú",
        },
        formats={
            "n": fmt.number,
            "value": fmt.percent,
            "baseline": fmt.percent,
            "change_vs_baseline": lambda v: fmt.signed(v, 1),
            "gap_to_target": lambda v: fmt.number(v, 1),
        },
        html_columns=("badge",),
    )


def breakdown_tables(rep: UnitReport) -> str:
    """One table per respondent attribute; groups under the minimum listed as too small, never hidden."""
    if not _has_forms(rep):
        return no_forms(rep)
    too_small = f"nhóm quá nhỏ (n < {rep.settings.min_group_answers})"
    parts = []
    for dimension, title in index.DIMENSIONS.items():
        part = rep.breakdowns[rep.breakdowns["dimension"] == dimension]
        if part.empty:
            continue
        if (part["group"] == "Không ghi").all():
            parts.append(html.paragraph(f"{title}: các phiếu không ghi thông tin này."))
            continue
        if part["shown"].sum() <= 1:  # nothing to compare: one sentence instead of a table of "too small"
            parts.append(html.paragraph(_too_small_sentence(title, part, rep.settings.min_group_answers)))
            continue
        part = part.assign(
            range=np.where(part["shown"], [interval(a, b) for a, b in zip(part["ci_low"], part["ci_high"])], ""),
            shown_value=np.where(part["shown"], [fmt.percent(v) for v in part["value"]], too_small),
            verdict=np.where(part["clearly_lower"], "thấp hơn rõ rệt", ""),
        )
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(
            html.table(
                part,
                {
                    "group": "Nhóm",
                    "n": "Số phiếu",
                    "shown_value": "Chỉ số chung",
                    "range": "Khoảng tin cậy 95 %",
                    "verdict": "So với những người còn lại",
                },
                formats={"n": fmt.number},
            )
        )
    return "\n".join(parts)


def _too_small_sentence(title: str, part: pd.DataFrame, minimum: int) -> str:
    """A breakdown whose groups are (all but one) under the minimum, said in one sentence."""
    small = part.loc[~part["shown"]]
    listed = ", ".join(f"{g} ({fmt.number(n)})" for g, n in zip(small["group"], small["n"]))
    text = f"{title}: các nhóm quá nhỏ để so sánh (dưới {fmt.number(minimum)} phiếu): {listed}."
    for row in part.loc[part["shown"]].itertuples():
        text += (
            f" Chỉ nhóm {row.group} đủ phiếu ({fmt.number(row.n)}): chỉ số chung {fmt.percent(row.value)}, "
            f"khoảng tin cậy 95 % {interval(row.ci_low, row.ci_high)}."
        )
    return text


def service_comparison(rep: UnitReport) -> str:
    """SIPAS beside the one-stop's own 5.4 (computed from dossiers, not from asking citizens)."""
    intro = html.paragraph(
        "Chỉ số 5.4 của Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) được tính từ hồ sơ một cửa "
        "(100 % trừ tỷ lệ hồ sơ trễ hạn và tỷ lệ có phản ánh, đánh giá không hài lòng), còn SIPAS hỏi trực tiếp "
        "người dân. Hai cách nhìn bổ sung cho nhau; chênh lệch lớn giữa chúng là điều đáng tìm hiểu. "
        + SATISFACTION_TARGET_VI
    )
    if rep.service is None or rep.service.empty:
        return intro + html.no_data(f"Chỉ số 5.4 của {rep.unit} trong {rep.period.label_vi}")
    row = rep.service.iloc[0]
    table = pd.DataFrame(
        [
            {
                "what": "SIPAS — chỉ số hài lòng chung (phiếu khảo sát)",
                "value": rep.overall["value"],
                "n": rep.overall["n"],
                "status": rep.overall["status"],
                "note": f"khoảng tin cậy 95 %: {interval(rep.overall['ci_low'], rep.overall['ci_high'])}",
            },
            {
                "what": "5.4 — hài lòng trong tiếp nhận, giải quyết TTHC (hồ sơ một cửa)",
                "value": row["value"],
                "n": row["n"],
                "status": row["status"],
                "note": row["note"],
            },
        ]
    )
    table["badge"] = table["status"].map(html.status_badge)
    return intro + html.table(
        table,
        {"what": "Chỉ số", "value": "Giá trị", "n": "Số phiếu / hồ sơ", "badge": "Đánh giá", "note": "Ghi chú"},
        formats={"value": fmt.percent, "n": fmt.number},
        html_columns=("badge",),
    )


def published_table(rep: UnitReport) -> str:
    table = rep.published.assign(rank_text=rep.published["rank"].map(lambda r: "" if is_missing(r) else f"{int(r)}"))
    note = html.paragraph(
        "Kết quả SIPAS do Bộ Nội vụ công bố (cả nước, tỉnh Tây Ninh). Đó là các cuộc điều tra "
        "khác, với mẫu và cách chọn mẫu khác phiếu của đơn vị; chỉ dùng để tham khảo mức độ, "
        "không so sánh trực tiếp."
    )
    return note + html.table(
        table,
        {"scope": "Phạm vi", "year": "Năm", "value": "SIPAS", "rank_text": "Xếp hạng", "source": "Nguồn"},
        formats={"value": fmt.percent, "source": html.without_file_notes},
    )


def _floor_text(s: index.Settings) -> str:
    """The boundary rule, said once for criteria, elements and the index."""
    if s.met_rule != "interval_beyond_target":
        return ""
    floor = index.min_answers(s)
    return (
        f", và có ít nhất {fmt.number(floor)} câu trả lời — cùng một ngưỡng cho tiêu chí, yếu tố và chỉ số "
        f"chung: với ít hơn {fmt.number(floor)} câu trả lời, kể cả khi 100 % hài lòng, cận dưới Wilson vẫn "
        f"không vượt {fmt.number(s.target)} %, nên không khẳng định được; khoảng bootstrap của yếu tố và chỉ "
        "số chung có thể thu về [100, 100] với ít phiếu, nên ngưỡng này được áp dụng cho cả hai"
    )


def method_notes(rep: UnitReport) -> str:
    """Which settings this report used (none of them is official) and how answers were read."""
    s = rep.settings
    year = rep.settings.baseline_period
    baseline = (
        f"bảng kết quả SIPAS năm {year} của các đơn vị (số liệu mẫu — demo, không phải kết quả thật)"
        if rep.baseline.demo
        else f"bảng kết quả SIPAS năm {year} của các đơn vị"
        if rep.baseline.file
        else f"không có số liệu năm {year}"
    )
    items = [
        "Tỷ lệ hài lòng của một tiêu chí = số câu trả lời “Hài lòng” hoặc “Rất hài lòng” / số câu trả lời hợp lệ. "
        "Không trả lời, “Không ý kiến”, mã 0 và 9 không được tính vào mẫu số.",
        f"Yếu tố = {AGGREGATION_VI[s.element_rule]}; chỉ số chung = {OVERALL_AGGREGATION_VI[s.overall_rule]}. "
        "Văn bản chính thức về cách cộng gộp chưa tìm thấy: đây là thiết lập của Chỉ số, phân tích viên có thể đổi.",
        f"Khoảng tin cậy {fmt.number(s.confidence * 100)} %: tiêu chí theo phương pháp Wilson; yếu tố và chỉ số "
        f"chung theo bootstrap lấy mẫu lại cả phiếu ({fmt.number(s.replicates)} lần, hạt giống {s.seed}, "
        "nên báo cáo chạy lại cho cùng kết quả).",
        f"Chỉ tiêu trên {fmt.number(s.target)} % (Kế hoạch 23/KH-UBND) áp dụng cho chỉ số chung, từng yếu tố và "
        f"từng tiêu chí. “Đạt chỉ tiêu” khi {MET_RULE_VI[s.met_rule]}{_floor_text(s)}. “Cần thêm câu trả lời hài "
        "lòng” = số câu trả lời hài lòng tối thiểu cần có thêm, với cùng số câu trả lời, để vượt chỉ tiêu.",
        *status_notes("met", "improving", "flat", "worse", "no_baseline", "no_data"),
        f"Mốc năm {s.baseline_period} (năm gốc của Kế hoạch 23/KH-UBND): "
        f"{baseline}. “Cải thiện”/“Kém đi” chỉ khi cả khoảng tin cậy nằm hẳn trên/dưới mốc; "
        "ngược lại là “Không đổi”.",
        f"Nhóm người trả lời chỉ được tính khi có từ {s.min_group_answers} câu trả lời trở lên; nhóm nhỏ hơn được "
        "ghi là “nhóm quá nhỏ”.",
        f"Câu trả lời không đọc được (ví dụ “7”, “hài lòng lắm”) bị loại riêng từng câu, các câu khác của phiếu vẫn "
        f"được tính; trong kỳ này có {fmt.number(rep.answers_set_aside)} câu như vậy ở đơn vị (chi tiết trong báo cáo "
        "chất lượng dữ liệu). Thông tin cá nhân (họ tên, điện thoại, số định danh, địa chỉ) bị loại ngay khi đọc tệp.",
    ]
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


# ---------------------------------------------------------------- charts


def _whiskers(ax, labels: list[str], values, lows, highs, baselines, target: float, baseline_year: str) -> None:
    """Horizontal dot-and-whisker rows (top to bottom), coloured against the target, with baseline-year markers."""
    from matplotlib.lines import Line2D

    y = np.arange(len(labels))[::-1]
    values, lows, highs, base = (
        np.asarray(pd.to_numeric(pd.Series(x), errors="coerce"), dtype=float) for x in (values, lows, highs, baselines)
    )
    colours = np.select([highs <= target, lows > target], [charts.BAD, charts.GOOD], charts.NEUTRAL).tolist()
    ax.hlines(y, lows, highs, colors=colours, linewidth=2.2)
    ax.scatter(values, y, color=colours, s=36, zorder=3)
    ax.scatter(base, y, marker="D", facecolors="none", edgecolors=charts.BASELINE, s=34, zorder=4)
    ax.axvline(target, color=charts.TARGET, linestyle="--", linewidth=1.5)
    ax.set_yticks(y, labels)
    lowest = np.nanmin(np.concatenate([lows, base, [target]]))
    ax.set_xlim(max(0, np.floor(lowest / 5) * 5 - 5), 100.5)
    ax.set_xlabel("Tỷ lệ hài lòng (%) — chấm: giá trị đo được; vạch: khoảng tin cậy 95 %")
    ax.grid(axis="x", alpha=0.3)
    handles = [
        Line2D([], [], color=charts.BAD, marker="o", label="cả khoảng dưới chỉ tiêu"),
        Line2D([], [], color=charts.NEUTRAL, marker="o", label="chưa chắc (khoảng chứa chỉ tiêu)"),
        Line2D([], [], color=charts.GOOD, marker="o", label="cả khoảng trên chỉ tiêu"),
        Line2D(
            [],
            [],
            color=charts.BASELINE,
            marker="D",
            markerfacecolor="none",
            linestyle="",
            label=f"năm {baseline_year}",
        ),
        Line2D([], [], color=charts.TARGET, linestyle="--", label=f"chỉ tiêu {fmt.number(target)} %"),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.4, -0.2 if len(labels) < 10 else -0.06),
        ncol=3,
        fontsize=8,
        frameon=False,
    )


def elements_chart(rep: UnitReport):
    if not _has_forms(rep):
        display(HTML(no_forms(rep)))
        return None
    rows = rep.long[rep.long["level"] != "criterion"]
    labels = [("Chỉ số chung" if c == index.OVERALL else f"{c} {n}") for c, n in zip(rows["code"], rows["name"])]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    _whiskers(
        ax,
        labels,
        rows["value"],
        rows["ci_low"],
        rows["ci_high"],
        rows["baseline"],
        rep.settings.target,
        rep.settings.baseline_period,
    )
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.axhline(0.5, color="#cfd8dc", linewidth=0.8)
    ax.set_title(f"Năm yếu tố và chỉ số chung — {rep.period.label_vi}")
    return fig


def criteria_chart(rep: UnitReport):
    if not _has_forms(rep):
        display(HTML(no_forms(rep)))
        return None
    rows = rep.long[rep.long["level"] == "criterion"]
    labels = [textwrap.fill(f"{c} {n}", 40) for c, n in zip(rows["code"], rows["name"])]  # whole, never cut
    fig, ax = plt.subplots(figsize=(8.5, 9.5))
    _whiskers(
        ax,
        labels,
        rows["value"],
        rows["ci_low"],
        rows["ci_high"],
        rows["baseline"],
        rep.settings.target,
        rep.settings.baseline_period,
    )
    ax.set_title(f"22 tiêu chí: tỷ lệ hài lòng và khoảng tin cậy 95 % — {rep.period.label_vi}")
    return fig


def trend_chart(rep: UnitReport):
    """The overall index quarter by quarter, with intervals, the baseline-year level and the target."""
    trend = rep.trend
    if trend is None or trend.empty or trend["n"].fillna(0).eq(0).all():
        display(HTML(no_forms(rep)))
        return None
    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = np.arange(len(trend))
    values = trend["value"].to_numpy(float)
    lows, highs = trend["ci_low"].to_numpy(float), trend["ci_high"].to_numpy(float)
    ax.errorbar(
        x,
        values,
        yerr=[values - lows, highs - values],
        fmt="o",
        color=charts.NEUTRAL,
        capsize=4,
        label="Chỉ số chung và khoảng tin cậy 95 %",
    )
    ax.axhline(
        rep.settings.target, color=charts.TARGET, linestyle="--", label=f"Chỉ tiêu {fmt.number(rep.settings.target)} %"
    )
    baseline = rep.overall["baseline"]
    if not is_missing(baseline):
        ax.axhline(float(baseline), color=charts.BASELINE, linestyle=":", label=f"Năm {rep.settings.baseline_period}")
    ax.set_xticks(x, [label.replace("/", "\n") for label in trend["label"]], fontsize=8)
    for xi, n in zip(x, trend["n"]):
        ax.annotate(
            f"{int(n)} phiếu",
            (xi, 0.02),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=8,
            color=charts.NEUTRAL,
        )
    low_edge = np.nanmin(np.concatenate([lows, [rep.settings.target]]))
    ax.set_ylim(max(0, np.floor(low_edge / 5) * 5 - 5), 100.5)
    ax.set_ylabel("Tỷ lệ hài lòng (%)")
    ax.set_title("Chỉ số hài lòng chung theo quý")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=8, frameon=False)
    return fig
