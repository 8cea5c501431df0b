"""Tables and paragraphs of the PAPI report (notebooks/30_papi.ipynb), from a collect.papi.PapiView.

Every text from data goes through analysis.report.html (escaped). Official scores and the local PAPI-like
survey are never shown in one table; demo sub-dimension figures carry their label wherever they appear.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from analysis import fmt
from analysis.collect.papi import PapiView
from analysis.indicators import papi
from analysis.indicators.long import STATUS_VI, is_missing, status_notes
from analysis.indicators.papi_like import papi_like_note
from analysis.report import html

DEMO_SUBDIMENSIONS_VI = (
    "DỮ LIỆU MẪU (DEMO): điểm nội dung thành phần dưới đây được chia tùy ý từ điểm nội dung "
    "chính thức — tổng khớp với số liệu công bố, nhưng từng nội dung thành phần KHÔNG phải số "
    "liệu thật. Thay bằng số liệu trong báo cáo PAPI (bảng điểm nội "
    "dung thành phần trong dữ liệu tham chiếu)."
)
DEMO_SURVEY_VI = "DỮ LIỆU MẪU (DEMO): khảo sát dưới đây là dữ liệu mô phỏng, không phải ý kiến thật của người dân."
PAPI_LIKE_VI = (
    "Khảo sát kiểu PAPI: khảo sát tại địa phương, quy đổi theo cách tính riêng của Chỉ số "
    "(bảng quy đổi câu hỏi trong dữ liệu tham chiếu) vì công thức chỉ tiêu của PAPI không được công bố. "
    "Đây "
    "KHÔNG phải điểm PAPI chính thức và không so trực tiếp với điểm chính thức."
)


def page_banner(view: PapiView, banner_shown: bool) -> str:
    """The page's demo banner when the report uses demo sub-dimension scores (the city-wide report too)."""
    return html.demo_banner() if view.sub_file.demo and not banner_shown else ""


def demo_label(text: str) -> str:
    """A demo label for one section. Not the page banner (class chiso-demo is pinned to the top of every page):
    the official part of the report is real data."""
    style = (
        "background:#fff3cd;color:#7f1d1d;border-left:4px solid #c62828;font-weight:bold;"
        "padding:4px 10px;margin:0.4em 0"
    )
    return f'<p class="chiso-demo-part" role="note" style="{style}">{escape(text)}</p>'


def score(value: object) -> str:
    return fmt.number(value, 4)


def change(value: object, comparable: object = True) -> str:
    """A signed change; a missing one is "no data", or "không so sánh được" across 6 and 8 dimensions."""
    if is_missing(value):
        not_comparable = not is_missing(comparable) and not bool(comparable)
        return papi.NOT_COMPARABLE_VI if not_comparable else fmt.NO_DATA
    return fmt.signed(value, 4)


def _year_rows(view: PapiView, year: int | None) -> pd.DataFrame:
    rows = view.profile[view.profile["year"] == year]
    return rows.set_index("code")


def dimension_name(view: PapiView, code: str) -> str:
    return view.ref.names.get(code, code)


def headline(view: PapiView) -> str:
    """The first paragraph: total, rank and group in the latest year against the baseline, and what moved."""
    if view.latest is None:
        return html.no_data(f"PAPI của {view.province} đến năm {view.period.year}")
    now, base = _year_rows(view, view.latest), _year_rows(view, view.baseline_year)
    if papi.TOTAL not in now.index:
        return html.no_data(f"Tổng điểm PAPI {view.latest} của {view.province}")
    total = now.loc[papi.TOTAL]
    parts = [
        f"PAPI {view.latest} của {view.province}: {score(total['value'])}/{int(total['scale_dims']) * 10} điểm, "
        "hạng "
        f"{int(total['rank'])}/{int(total['n_scored'])}, nhóm {total['group_vi']}; trung vị toàn quốc "
        f"{score(total['median'])} ({change(total['gap_median'])})."
    ]
    if view.latest > view.baseline_year and papi.TOTAL not in base.index:
        parts.append(
            f"Năm {view.baseline_year}: {view.province} không được chấm tổng điểm, nên không tính được thay đổi."
        )
    elif view.latest > view.baseline_year:  # before the baseline year is published there is nothing to compare
        before = base.loc[papi.TOTAL]
        parts.append(
            f"Năm {view.baseline_year}: {score(before['value'])} điểm, hạng {int(before['rank'])}/"
            f"{int(before['n_scored'])}, nhóm {before['group_vi']}. Thay đổi so với {view.baseline_year}: "
            f"{change(total['change_baseline'], total['baseline_comparable'])}"
            f"{'' if is_missing(total['change_baseline']) else ' điểm'}."
        )
        moved = papi.moved_most(view.profile, view.latest).head(3)
        if len(moved):
            listed = "; ".join(
                f"{code} {dimension_name(view, code)} ({change(delta)})"
                for code, delta in zip(moved["code"], moved["change_baseline"])
            )
            parts.append(f"Thay đổi nhiều nhất: {listed}.")
    parts.append(
        f"PAPI là chỉ số năm: kỳ báo cáo {view.period.label_vi} dùng kết quả PAPI {view.latest}, năm gần nhất "
        f"đã công bố không sau năm {view.period.year}."
    )
    return "\n".join(html.paragraph(p) for p in parts)


def dimension_table(view: PapiView) -> str:
    """The eight dimensions and the total: baseline, latest, change, median, best, rank, group, owner, status."""
    now = view.profile[view.profile["year"] == view.latest]
    status = view.rows.set_index("code")["status"]
    frame = pd.DataFrame({"code": [*papi.DIMENSIONS, papi.TOTAL]})
    frame = frame.merge(now, on="code", how="left")
    frame["name"] = frame["code"].map(lambda c: dimension_name(view, c))
    frame["code_shown"] = frame["code"].replace({papi.TOTAL: "Tổng"})
    frame["best_text"] = [
        f"{score(b)} ({p})" if pd.notna(b) else fmt.NO_DATA for b, p in zip(frame["best"], frame["best_province"])
    ]
    frame["rank_text"] = [
        f"{int(r)}/{int(n)}" if pd.notna(r) else fmt.NO_DATA for r, n in zip(frame["rank"], frame["n_scored"])
    ]
    frame["change_text"] = [change(c, ok) for c, ok in zip(frame["change_baseline"], frame["baseline_comparable"])]
    frame["owner"] = frame["code"].map(view.ref.owners)
    frame["status_html"] = frame["code"].map(lambda c: html.status_badge(status.get(c)))
    columns = {
        "code_shown": "Mã",
        "name": "Nội dung",
        "value_base": f"Năm {view.baseline_year}",
        "value": f"Năm {view.latest}",
        "change_text": "Thay đổi",
        "median": "Trung vị toàn quốc",
        "gap_median": "Chênh với trung vị",
        "best_text": "Tỉnh cao nhất",
        "rank_text": "Hạng",
        "group_vi": "Nhóm",
        "points_to_next_group": "Cần thêm để lên nhóm trên",
        "owner": "Phụ trách (KH 23/KH-UBND)",
        "status_html": "Trạng thái",
    }
    formats = {
        "value_base": score,
        "value": score,
        "median": score,
        "gap_median": change,
        "points_to_next_group": _points_needed,
    }
    return html.table(frame, columns, formats, html_columns=("status_html",), print_hide=("gap_median", "best_text"))


def _points_needed(value: object) -> str:
    return "đã ở nhóm cao nhất" if is_missing(value) else score(value)


def weakest(view: PapiView, count: int = 3) -> str:
    """The weakest dimensions of the latest year (lowest rank among provinces) with their owners."""
    if view.latest is None:
        return ""
    rows = papi.weakest(view.profile, view.latest, count)
    if rows.empty:
        return html.no_data("Xếp hạng các nội dung")
    items = []
    for row in rows.itertuples(index=False):
        owner = view.ref.owners.get(row.code, "kế hoạch chưa giao người phụ trách")
        items.append(
            f"<li><strong>{escape(row.code)} {escape(dimension_name(view, row.code))}</strong>: "
            f"{escape(score(row.value))} điểm, hạng {int(row.rank)}/{int(row.n_scored)} "
            f"(trung vị {escape(score(row.median))}) — phụ trách: {escape(owner)}</li>"
        )
    intro = (
        f"Ba nội dung yếu nhất của {view.province} năm {view.latest} (xếp hạng thấp nhất so với các tỉnh; "
        "không xét điểm tuyệt đối vì có nội dung mọi tỉnh đều thấp):"
    )
    return f"{html.paragraph(intro)}<ol>{''.join(items)}</ol>"


def trend_table(view: PapiView) -> str:
    """The total by year: score, rank, group, change since the year before ("không so sánh được" in 2018)."""
    frame = view.profile[view.profile["code"] == papi.TOTAL].sort_values("year")
    frame = frame.assign(
        rank_text=[f"{int(r)}/{int(n)}" for r, n in zip(frame["rank"], frame["n_scored"])],
        scale=frame["scale_dims"].map(lambda d: f"{d} nội dung ({d}–{d * 10})"),
        change_text=[change(c, ok) for c, ok in zip(frame["change_prev"], frame["prev_comparable"])],
    )
    columns = {
        "year": "Năm",
        "scale": "Thang điểm",
        "value": "Tổng điểm",
        "change_text": "So với năm trước",
        "median": "Trung vị toàn quốc",
        "rank_text": "Hạng",
        "group_vi": "Nhóm",
    }
    return html.table(frame, columns, {"value": score, "median": score})


def region_table(view: PapiView) -> str:
    """The provinces of the focus province's region in the latest year, side by side, ranks included."""
    peers = papi.region_view(view.standing, view.province, view.latest, view.region)
    if peers.empty:
        return html.no_data(f"So sánh trong vùng {view.region}")
    wide = peers.pivot(index="province", columns="code", values="value")
    ranks = peers[peers["code"] == papi.TOTAL].set_index("province")[["rank", "group_vi", "gap_from_focus"]]
    frame = wide.join(ranks).sort_values("rank").reset_index()
    focus = frame["province"] == view.province
    frame["province"] = frame["province"].where(~focus, frame["province"] + " (tỉnh đang xem)")
    frame["gap_from_focus"] = frame["gap_from_focus"].mask(focus)
    scored = int(peers.loc[peers["code"] == papi.TOTAL, "n_scored"].max()) if (peers["code"] == papi.TOTAL).any() else 0
    frame["rank"] = frame["rank"].map(lambda r: fmt.NO_DATA if is_missing(r) else f"{int(r)}/{scored}")
    columns = {
        "province": "Tỉnh",
        papi.TOTAL: "Tổng điểm",
        "rank": "Hạng",
        "group_vi": "Nhóm",
        "gap_from_focus": f"{view.province} hơn (+) / kém (−)",
        **{code: code for code in papi.DIMENSIONS if code in frame},
    }
    formats = {code: score for code in [papi.TOTAL, *papi.DIMENSIONS]} | {
        "gap_from_focus": lambda gap: "—" if is_missing(gap) else change(gap)
    }
    intro = html.paragraph(
        f"Vùng {view.region}, năm {view.latest}: điểm từng nội dung (D1–D8) và tổng điểm; hạng trong cả nước."
    )
    return intro + html.table(frame, columns, formats)


def subdimension_section(view: PapiView) -> str:
    """Sub-dimension table with its origin said plainly: real file, demo file (labelled) or no data."""
    profile = view.sub_profile
    if profile is None:
        return html.no_data(f"Điểm nội dung thành phần của {view.province}") + html.paragraph(
            f"Cách bổ sung: {papi.SUBDIMENSION_HINT_VI}."
        )
    now = profile[profile["year"] == view.latest].set_index("code")
    frame = view.ref.subs.join(now[["value", "value_base", "change_baseline"]], on="code")
    frame["owner"] = frame["parent"].map(view.ref.owners)
    frame["range"] = frame["k"].map(lambda k: f"{fmt.number(1 / k, 2)}–{fmt.number(10 / k, 2)}")
    columns = {
        "code": "Mã",
        "name_vi": "Nội dung thành phần",
        "range": "Thang",
        "value_base": f"Năm {view.baseline_year}",
        "value": f"Năm {view.latest}",
        "change_baseline": "Thay đổi",
        "owner": "Phụ trách (theo nội dung)",
    }
    path = view.sub_file.path
    source = (
        demo_label(DEMO_SUBDIMENSIONS_VI)
        if view.sub_file.demo
        else html.paragraph("Nguồn: nhập từ báo cáo PAPI cấp tỉnh đã công bố.")
        if path
        else ""
    )
    return source + html.table(frame, columns, {"value_base": score, "value": score, "change_baseline": change})


def survey_section(view: PapiView) -> str:
    """The local PAPI-like survey of the unit: figures with n and intervals, apart from the official scores."""
    if view.unit is None:
        return html.paragraph(
            "Báo cáo toàn thành phố chỉ gồm kết quả PAPI chính thức. Kết quả khảo sát kiểu PAPI "
            "tại từng phường, xã (khảo sát kiểu PAPI) có trong báo cáo riêng của đơn vị có khảo sát."
        )
    if view.survey is None:
        return html.no_data(f"Khảo sát kiểu PAPI tại {view.unit} đến năm {view.period.year}")
    label = demo_label(DEMO_SURVEY_VI) if view.survey_demo else ""
    frame = view.survey.assign(
        interval=[
            f"{_survey_value(lo, m)} – {_survey_value(hi, m)}" if pd.notna(lo) else fmt.NO_DATA
            for lo, hi, m in zip(view.survey["ci_low"], view.survey["ci_high"], view.survey["measure"])
        ]
    )
    frame = frame.assign(
        shown=[_survey_value(v, m) for v, m in zip(frame["value"], frame["measure"])],
        level_vi=frame["level"].map(
            {"dimension": "Nội dung", "subdimension": "Nội dung thành phần", "indicator": "Chỉ tiêu (% mức tối đa)"}
        ),
    )
    columns = {
        "code": "Mã",
        "name": "Tên",
        "level_vi": "Cấp",
        "shown": "Điểm khảo sát kiểu PAPI",
        "interval": f"Khoảng tin cậy {fmt.number(view.ref.settings.survey_confidence * 100)} %",
        "n": "Số người trả lời (n)",
        "note": "Ghi chú",
    }
    intro = html.paragraph(f"{PAPI_LIKE_VI} Khảo sát năm {view.survey_year} tại {view.unit}.")
    general = papi_like_note(view.ref.settings.survey_confidence)
    frame = frame.assign(note=frame["note"].str.replace(general, "", regex=False).str.strip())
    return label + intro + html.table(frame, columns, {"n": lambda n: fmt.number(n)})


def _survey_value(value: object, measure: object) -> str:
    if is_missing(value):
        return fmt.NO_DATA
    return fmt.percent(value, 1) if measure == "percent" else fmt.number(value, 2)


def method_notes(view: PapiView) -> str:
    """Which settings and sources this report used (settings.csv), said in the report itself."""
    s = view.ref.settings
    sub = (
        "không có"
        if view.sub_file.path is None
        else (
            "dữ liệu mẫu (chia tùy ý từ điểm nội dung chính thức)"
            if view.sub_file.demo
            else "nhập từ báo cáo PAPI cấp tỉnh đã công bố"
        )
    )
    items = [
        "Nguồn điểm chính thức: kết quả PAPI cấp tỉnh 2011–2024 công bố trên "
        "papi.org.vn. Ô trống = tỉnh không được chấm điểm năm đó.",
        f"Tỉnh đang xem: {view.province}; năm gốc: {s.baseline_year}.",
        f"Mốc so sánh: {papi.TARGET_RULES_VI[s.target_rule].format(year=view.latest)}"
        ". Kế hoạch 23/KH-UBND không đặt chỉ tiêu số cho PAPI: mốc này do dự án chọn, nên trạng thái ghi "
        f"“{STATUS_VI[papi.BENCHMARK_STATUS[s.target_rule]]}”, không bao giờ ghi “đạt chỉ tiêu”.",
        *status_notes(papi.BENCHMARK_STATUS[s.target_rule], "improving", "flat", "worse", "no_baseline", "no_data"),
        f"Nhóm xếp hạng: {papi.QUARTILE_RULE_VI}.",
        "Trước 2018 PAPI có 6 nội dung (tổng 6–60), từ 2018 có 8 nội dung (tổng 8–80): tổng điểm của hai giai đoạn "
        f"{papi.NOT_COMPARABLE_VI}.",
        f"Điểm nội dung thành phần: {sub}.",
        "Tỉnh Tây Ninh và Long An hợp nhất từ 01/7/2025: số liệu trên là của tỉnh Tây Ninh cũ.",
    ]
    if view.unit:
        items.append(
            f"Khảo sát kiểu PAPI: khoảng tin cậy {fmt.number(s.survey_confidence * 100)} % theo xấp xỉ "
            "chuẩn trên điểm của từng người trả lời; cách quy đổi ghi trong bảng quy đổi câu hỏi."
        )
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
