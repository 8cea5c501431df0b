"""The plan scorecard of one unit (notebook 05) and the badges the city page shares with it.

Every status is shown as a symbol and words inside its coloured badge, so the page reads the same in black
and white print and for colour-blind readers.
"""

from __future__ import annotations

import textwrap
from html import escape

import matplotlib.pyplot as plt
import pandas as pd

from analysis import fmt
from analysis.collect.plan import Scorecard
from analysis.indicators.due_soon import SITUATION_VI
from analysis.indicators.long import STATUS_VI, is_missing, targets_summary
from analysis.indicators.plan_tasks import STATUS_VI as TASK_VI
from analysis.indicators.projection import VERDICT_VI
from analysis.reference import plan
from analysis.report import charts, html

# A symbol per status, so that the badge does not rely on its colour.
SYMBOL = {
    **dict.fromkeys(("met", "recovered", "full", "done", "on_track"), "✓"),
    **dict.fromkeys(("still_lost", "newly_lost", "overdue", "off_track", "late_no_apology"), "✗"),
    "improving": "↑",
    "worse": "↓",
    "flat": "→",
    "at_risk": "!",
    "due_soon": "!",
    "in_progress": "…",
    "not_started": "○",
    "no_data": "–",
    "no_baseline": "–",
}
WORDS = {**TASK_VI, **STATUS_VI, **VERDICT_VI, **SITUATION_VI}  # a target without data: "Không có dữ liệu"
METHOD = (
    "Dự báo cuối năm: phần đã qua của năm là số liệu thật; phần còn lại giả định diễn ra như từ đầu năm đến "
    "nay. Số đếm (hồ sơ trễ hạn, thiếu phiếu xin lỗi): số từ đầu năm x chia cho phần năm đã qua f; khoảng dự "
    "báo cộng vào x phần còn lại của năm theo khoảng Poisson (khoảng điểm số) của tốc độ từ đầu năm. Tỷ lệ của "
    "toàn bộ hồ sơ (đúng hạn, trực tuyến, số hóa): tỷ lệ từ đầu năm; khoảng = phần đã qua cộng phần còn lại theo "
    "khoảng Wilson. Tỷ lệ từ phiếu khảo sát (SIPAS): tỷ lệ từ đầu năm với khoảng tin cậy 95 % của khảo sát. "
    "Số hồ sơ đang quá hạn tại cuối kỳ là số tồn, không ngoại suy. Đến cuối năm “Đúng hướng” khi cả hai đầu "
    "khoảng dự báo đều đạt chỉ tiêu, “Chệch hướng” khi cả hai đều không đạt, “Có nguy cơ” khi khoảng nằm vắt "
    "qua chỉ tiêu. Chỉ tiêu “không có hồ sơ trễ hạn” đã chệch hướng từ hồ sơ trễ đầu tiên trong năm."
)
TASK_RULES = (
    "Tình trạng nhiệm vụ lấy từ sổ theo dõi tiến độ (plan_progress) của đơn vị: lần báo cáo gần nhất trong năm "
    "đến hết kỳ; nhiệm vụ thường xuyên, hằng ngày phải được báo cáo trong chính quý này. “Quá hạn”: đã qua thời "
    "hạn của Kế hoạch mà chưa thực hiện xong. “Chưa báo cáo”: đơn vị chưa ghi nhiệm vụ này — không coi là chưa "
    "làm. Nhiệm vụ đã qua thời hạn mà chưa có văn bản chứng minh được đánh dấu ⚑."
)


def badge(code: object, words: dict[str, str] = WORDS) -> str:
    """A status as colour, symbol and words: "✓ Đạt chỉ tiêu"."""
    if is_missing(code):
        return ""
    key = str(code)
    symbol = SYMBOL.get(key, "!")
    return (
        f'<span class="chiso-status chiso-{escape(key)}">{symbol} {escape(words.get(key, WORDS.get(key, key)))}</span>'
    )


def _value(row: pd.Series, column: str = "value") -> str:
    value = row[column]
    if is_missing(value):
        return fmt.NO_DATA
    return fmt.percent(value) if row["measure"] == "percent" else fmt.number(value)


def _projection(row: pd.Series) -> str:
    if is_missing(row["projected"]):
        return fmt.NO_DATA
    shown = _value(row, "projected")
    if not is_missing(row["projected_low"]) and abs(row["projected_high"] - row["projected_low"]) > 1e-9:
        shown += f" ({_value(row, 'projected_low')} – {_value(row, 'projected_high')})"
    return shown


def counts(sc: Scorecard) -> dict[str, int]:
    verdicts = sc.targets["verdict"].value_counts()
    tasks = sc.tasks["status"].value_counts()
    return {
        "targets": len(sc.targets),
        "met": int((sc.targets["status"] == "met").sum()),
        **{k: int(verdicts.get(k, 0)) for k in VERDICT_VI},
        "tasks": len(sc.tasks),
        **{f"task_{k}": int(tasks.get(k, 0)) for k in TASK_VI},
        "flagged": int(sc.tasks["past_due_without_evidence"].sum()),
        "late_no_apology": int((sc.actions["situation"] == "late_no_apology").sum()),
        "due_soon": int((sc.actions["situation"] == "due_soon").sum()),
    }


def summary(sc: Scorecard) -> str:
    """The first screen: how many targets and tasks are missed, whether the year ends on target, who owns it."""
    c = counts(sc)
    summary_row = targets_summary(sc.targets, plan.targets())  # the one count of targets met every report shows
    if len(summary_row):
        c["met"], c["targets"] = int(summary_row["met"].iloc[0]), int(summary_row["targets"].iloc[0])
    misses = sc.targets[sc.targets["verdict"].isin(["off_track", "at_risk"])]
    owners = misses.assign(owner=misses["owner"].fillna("chưa rõ người phụ trách")).groupby("owner")["name"].apply(list)
    overdue = sc.tasks[sc.tasks["status"] == "overdue"]
    items = [
        f"<li><b>Chỉ tiêu định lượng:</b> {c['met']}/{c['targets']} đạt trong kỳ; đến cuối năm "
        f"{badge('on_track')} {c['on_track']} · {badge('at_risk')} {c['at_risk']} · {badge('off_track')} "
        f"{c['off_track']} · {badge('no_data')} {c['no_data']}.</li>",
        f"<li><b>Nhiệm vụ của Kế hoạch:</b> {c['task_done']}/{c['tasks']} đã thực hiện · {badge('overdue', TASK_VI)} "
        f"{c['task_overdue']} · đang thực hiện {c['task_in_progress']} · chưa thực hiện {c['task_not_started']} · "
        f"chưa báo cáo {c['task_no_data']}; ⚑ {c['flagged']} nhiệm vụ đã qua thời hạn chưa có văn bản chứng minh.</li>",
        f"<li><b>Bộ phận một cửa:</b> {c['late_no_apology']} hồ sơ đã trễ hạn chưa có phiếu xin lỗi, {c['due_soon']} "
        f"hồ sơ đến hạn trong {sc.working_days} ngày làm việc tới"
        + (f" (tính đến {fmt.day(sc.as_of)}, ngày gần nhất có dữ liệu trong tệp xuất)" if sc.as_of else "")
        + ".</li>",
    ]
    if len(owners):
        items.append(
            "<li><b>Chỉ tiêu có nguy cơ hoặc chệch hướng, theo người phụ trách:</b><ul>"
            + "".join(f"<li>{escape(o)}: {escape('; '.join(names))}</li>" for o, names in owners.items())
            + "</ul></li>"
        )
    if len(overdue):
        items.append(
            "<li><b>Nhiệm vụ quá hạn:</b> "
            + escape("; ".join(f"{t.task} ({t.owner})" for t in overdue.itertuples()))
            + "</li>"
        )
    return "<ul class='chiso-summary'>" + "".join(items) + "</ul>"


def targets_table(sc: Scorecard) -> str:
    t = sc.targets
    frame = pd.DataFrame(
        {
            "name": t["name"].fillna(t["code"]),
            "value": [_value(r) for _, r in t.iterrows()],
            "baseline": [_value(r, "baseline") for _, r in t.iterrows()],
            "target": [_value(r, "target") for _, r in t.iterrows()],
            "status": [badge(s) for s in t["status"]],
            "projected": [_projection(r) for _, r in t.iterrows()],
            "verdict": [badge(v) for v in t["verdict"]],
            "owner": t["owner"].fillna(""),
            "deadline": t["deadline"].fillna(""),
        }
    )
    columns = {
        "name": "Chỉ tiêu",
        "value": f"{sc.period.label_vi}",
        "baseline": "Cùng kỳ 2023",
        "target": "Chỉ tiêu",
        "status": "Trong kỳ",
        "projected": "Dự báo cuối năm (khoảng)",
        "verdict": "Đến cuối năm",
        "owner": "Người phụ trách",
        "deadline": "Thời hạn",
    }
    return html.table(frame, columns, html_columns=("status", "verdict"))


def quarters_chart(sc: Scorecard):
    """One small chart per target: the quarters of the year so far against the target line."""
    charts.setup()
    q = sc.quarters
    keys = list(dict.fromkeys(zip(sc.targets["index"], sc.targets["code"])))
    if q.empty or not keys:
        return None
    cols = 4
    rows = (len(keys) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.1 * rows), squeeze=False)
    for ax, (index, code) in zip(axes.ravel(), keys):
        row = sc.targets[(sc.targets["index"] == index) & (sc.targets["code"] == code)].iloc[0]
        series = q[(q["index"] == index) & (q["code"] == code)]
        labels = [p.replace(f"{sc.period.year}Q", "Q") for p in series["period"]]
        values = series["value"].astype(float)
        ax.plot(labels, values, marker="o", color=charts.NEUTRAL)
        if values.isna().all():
            ax.text(0.5, 0.5, "Không có dữ liệu", transform=ax.transAxes, ha="center", fontsize=8, color=charts.NEUTRAL)
        ax.axhline(float(row["target"]), color=charts.TARGET, linestyle="--", linewidth=1)
        ax.set_title(_two_lines(str(row["name"] or code)), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(keys) :]:
        ax.axis("off")
    fig.suptitle(f"Từng quý năm {sc.period.year} (đường gạch: chỉ tiêu)", fontsize=9)
    # fixed spacing: the two-line titles fit, and matplotlib's tight_layout (a third of the chart's time) is not needed
    fig.subplots_adjust(left=0.05, right=0.99, top=1 - 0.8 / fig.get_figheight(), bottom=0.06, hspace=0.95, wspace=0.3)
    return fig


def _two_lines(title: str, width: int = 34) -> str:
    """A small chart's title on at most two lines, cut with an ellipsis (the table above names it in full)."""
    lines = textwrap.wrap(title, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def tasks_by_owner(sc: Scorecard) -> str:
    parts = []
    for owner, part in sc.tasks.groupby("owner", sort=True):
        frame = pd.DataFrame(
            {
                "task": part["task"],
                "text": part["text"],
                "deadline": part["deadline"],
                "status": [
                    badge(s, TASK_VI) + (" ⚑" if flag else "")
                    for s, flag in zip(part["status"], part["past_due_without_evidence"])
                ],
                "evidence": part["evidence"].fillna(""),
                "reported": part["reported"].fillna(""),
            }
        )
        parts.append(
            html.heading(str(owner), 4)
            + html.table(
                frame,
                {
                    "task": "Mã",
                    "text": "Nhiệm vụ",
                    "deadline": "Thời hạn",
                    "status": "Tình trạng",
                    "evidence": "Văn bản chứng minh",
                    "reported": "Kỳ báo cáo",
                },
                html_columns=("status",),
            )
        )
    return "".join(parts)


INDEX_VI = {"par": "PAR INDEX", "service": "QĐ 766", "sipas": "SIPAS", "papi": "PAPI (cấp tỉnh)"}


def win_back_table(sc: Scorecard, top: int = 10) -> str:
    w = sc.win_back.head(top)
    frame = pd.DataFrame(
        {
            "index": w["index"].map(INDEX_VI),
            "name": w["name"].fillna(w["code"]),
            "lost": [f"{fmt.number(v, 2)} {u}" for v, u in zip(w["lost"], w["lost_unit"])],
            "share": [fmt.percent(v, 2) for v in w["share_of_max"]],
            "needed": ["" if is_missing(v) else fmt.number(v) for v in w["answers_needed"]],
            "owner": w["owner"].fillna(""),
            "deadline": w["deadline"].fillna(""),
        }
    )
    return html.table(
        frame,
        {
            "index": "Chỉ số",
            "name": "Nội dung",
            "lost": "Còn thiếu",
            "share": "% điểm tối đa của chỉ số",
            "needed": "Phiếu hài lòng cần thêm",
            "owner": "Người phụ trách",
            "deadline": "Thời hạn",
        },
        empty="Không có điểm nào bị mất.",
    )


def actions_table(sc: Scorecard, top: int = 30) -> str:
    a = sc.actions.head(top)
    frame = pd.DataFrame(
        {
            "dossier_id": a["dossier_id"],
            "procedure": a["procedure_name"].fillna(""),
            "received": [fmt.day(v) for v in a["received_at"]],
            "due": [fmt.day(v) for v in a["due_at"]],
            "situation": [badge(s) for s in a["situation"]],
            "left": ["" if is_missing(v) else fmt.number(v) for v in a["working_days_left"]],
            "late": ["" if is_missing(v) else fmt.number(v) for v in a["days_overdue"]],
        }
    )
    more = len(sc.actions) - len(a)
    tail = (
        html.paragraph(f"… và {fmt.number(more)} hồ sơ khác: xem trang “Hồ sơ sắp trễ hạn” của indicators.xlsx.")
        if more > 0
        else ""
    )
    return (
        html.table(
            frame,
            {
                "dossier_id": "Mã hồ sơ",
                "procedure": "Thủ tục",
                "received": "Ngày tiếp nhận",
                "due": "Ngày hẹn trả",
                "situation": "Tình trạng",
                "left": "Ngày làm việc còn lại",
                "late": "Ngày đã trễ (ngày lịch)",
            },
            html_columns=("situation",),
            empty="Không có hồ sơ nào sắp trễ hoặc thiếu phiếu xin lỗi.",
        )
        + tail
    )


def notes() -> str:
    return (
        html.paragraph(METHOD)
        + html.paragraph(TASK_RULES)
        + html.paragraph(
            "Điểm đáng lấy lại: PAR INDEX — mỗi tiêu chí thành phần chưa đạt điểm tối đa; QĐ 766 — mỗi chỉ số thành "
            "phần chưa đạt điểm tối đa (chỉ số tính trên 100 điểm); SIPAS — mỗi tiêu chí chưa trên 95 %, quy ra phần "
            "chỉ số chung bị kéo xuống (chỉ số chung là trung bình 5 nhóm, mỗi nhóm là trung bình các tiêu chí) và số "
            "phiếu hài lòng cần thêm với cùng số phiếu; PAPI — mỗi nội dung thành phần (hoặc lĩnh vực khi chưa có "
            "điểm thành phần) dưới trung vị toàn quốc, trên tổng 80 điểm."
        )
    )
