"""The service index (QĐ 766/QĐ-TTg and report form II.06a) in the long format, for every unit.

``service_rows(dossiers, period, baseline_year)`` is the entry point: the dossier counts of
``timeliness.classify`` become one row per unit and code, with the same figure for the same quarter of the plan's
baseline year as baseline, the plan's target, the gap, the change, the points and a status. A figure the export
cannot support is NA with status "no_data"; so is a component no export gives (1, 1.x, 5.1–5.3) unless the
analyst's quarterly figures fill it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import fmt
from analysis.indicators import long
from analysis.indicators.certification import is_certification
from analysis.indicators.timeliness import classify, counts
from analysis.periods import Period
from analysis.reference.service import ServiceSettings

INDEX = "service"
VIEW_766 = "Theo ngày kết thúc xử lý (QĐ 766); hồ sơ chưa kết thúc được xét tại ngày cuối kỳ"
VIEW_06A = "Theo ngày trả kết quả (biểu II.06a)"
VIEW_RECEIVED = "Hồ sơ tiếp nhận trong kỳ (theo ngày tiếp nhận)"
VIEW_RESULT = "Hồ sơ có kết quả trong kỳ (theo ngày kết thúc xử lý)"
NO_DOSSIERS = "Không có hồ sơ một cửa của đơn vị trong kỳ"
LATE_FOR_CITIZEN = "late.citizen"  # the one count of "late for the citizen" every report picks
# Rows of II.06a that are not numbered columns of the form: shown to readers as "Ghi riêng", never as a code.
FORM_LABELS = {
    "06a.ready": "Ghi riêng",
    "06a.closed": "Ghi riêng",
    "06a.no_due": "Ghi riêng",
    LATE_FOR_CITIZEN: "10 + 13",
}
COLUMN_VI = {
    "channel": "hình thức nộp",
    "paid_online": "thanh toán trực tuyến",
    "fee_required": "thủ tục có thu phí",
    "e_result": "kết quả điện tử",
    "digitised": "số hóa thành phần hồ sơ",
    "data_reused": "tái sử dụng dữ liệu",
    "apology_issued": "phiếu xin lỗi",
    "rating": "đánh giá mức độ hài lòng",
    "complaint": "phản ánh, kiến nghị",
}


@dataclass(frozen=True)
class Figure:
    """How one code is counted. A count: ``numerator`` dossiers (``denominator`` is its n). A share:
    numerator / denominator × 100. ``needs``: export columns without which the figure is no data."""

    code: str
    name: str
    numerator: str
    denominator: str
    share: bool = False
    direction: int = 0  # +1 higher is better, -1 lower is better, 0 a volume (no judgement)
    needs: tuple[str, ...] = ()
    view: str = ""
    empty: str = ""  # why the denominator can be zero although the export carries the columns


FIGURES = [
    Figure(
        "2.1",
        "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (QĐ 766)",
        "on_time",
        "judged",
        True,
        +1,
        view=VIEW_766,
        empty="Không có hồ sơ phải giải quyết trong kỳ",
    ),
    Figure("2.1.late", "Số hồ sơ trễ hạn (cách tính QĐ 766)", "late", "judged", direction=-1, view=VIEW_766),
    Figure("06a.3", "Tổng số hồ sơ tiếp nhận (gồm kỳ trước chuyển qua)", "in_form", "in_form", view=VIEW_06A),
    Figure("06a.4", "Tiếp nhận trong kỳ: trực tuyến", "received_online", "in_form", direction=+1, view=VIEW_06A),
    Figure("06a.5", "Tiếp nhận trong kỳ: trực tiếp và bưu chính", "received_offline", "in_form", view=VIEW_06A),
    Figure("06a.6", "Từ kỳ trước chuyển qua", "carried_over", "in_form", view=VIEW_06A),
    Figure("06a.7", "Đã giải quyết (đã trả kết quả trong kỳ)", "resolved", "in_form", view=VIEW_06A),
    Figure("06a.8", "Đã giải quyết: trước hạn", "returned_early", "in_form", direction=+1, view=VIEW_06A),
    Figure("06a.9", "Đã giải quyết: đúng hạn", "returned_on_time", "in_form", view=VIEW_06A),
    Figure("06a.10", "Đã giải quyết: quá hạn", "returned_late", "in_form", direction=-1, view=VIEW_06A),
    Figure("06a.11", "Đang giải quyết (chưa trả kết quả đến cuối kỳ)", "in_progress", "in_form", view=VIEW_06A),
    Figure("06a.12", "Đang giải quyết: trong hạn", "within_time", "in_form", view=VIEW_06A),
    Figure("06a.13", "Đang giải quyết: quá hạn", "overdue", "in_form", direction=-1, view=VIEW_06A),
    Figure(
        "06a.ready",
        "Đã có kết quả, chờ công dân nhận (xong trước hoặc đúng hạn, chưa trả)",
        "ready",
        "in_form",
        view=VIEW_06A,
    ),
    Figure("06a.closed", "Rút hồ sơ, dừng xử lý (không trả kết quả trong kỳ)", "closed_in_p", "in_form", view=VIEW_06A),
    Figure("06a.no_due", "Không có ngày hẹn trả (không phân loại được)", "no_due_form", "in_form", view=VIEW_06A),
    Figure(
        LATE_FOR_CITIZEN,
        "Hồ sơ trễ hạn với người dân (biểu II.06a: cột 10 + cột 13)",
        "late_for_citizen",
        "in_form",
        direction=-1,
        view=VIEW_06A,
    ),
    Figure(
        "apology.missing",
        "Hồ sơ trễ hạn với người dân chưa có phiếu xin lỗi",
        "apology_missing",
        "late_for_citizen",
        direction=-1,
        needs=("apology_issued",),
        view=VIEW_06A,
    ),
    Figure(
        "3.3",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        "online_num",
        "online_den",
        True,
        +1,
        ("channel",),
        VIEW_RECEIVED,
        "Không có hồ sơ tiếp nhận trong kỳ",
    ),
    Figure(
        "3.3.chung_thuc",
        "Tỷ lệ hồ sơ chứng thực nộp trực tuyến (chứng thực điện tử)",
        "cert_num",
        "cert_den",
        True,
        +1,
        ("channel",),
        VIEW_RECEIVED,
        "Không có hồ sơ chứng thực tiếp nhận trong kỳ",
    ),
    Figure(
        "3.6",
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "paid_num",
        "paid_den",
        True,
        +1,
        ("fee_required", "paid_online"),
        VIEW_RECEIVED,
        "Không có hồ sơ thuộc thủ tục có thu phí tiếp nhận trong kỳ",
    ),
    Figure(
        "4.1",
        "Tỷ lệ hồ sơ có kết quả điện tử",
        "e_result_num",
        "e_result_den",
        True,
        +1,
        ("e_result",),
        VIEW_RESULT,
        "Không có hồ sơ có kết quả trong kỳ",
    ),
    Figure(
        "4.2",
        "Tỷ lệ hồ sơ số hóa (thành phần hồ sơ và kết quả)",
        "digitised_num",
        "digitised_den",
        True,
        +1,
        ("digitised", "e_result"),
        VIEW_766,
        "Không có hồ sơ phải giải quyết trong kỳ",
    ),
    Figure(
        "4.3",
        "Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa",
        "reuse_num",
        "reuse_den",
        True,
        +1,
        ("data_reused",),
        VIEW_RECEIVED,
        "Không có hồ sơ tiếp nhận trong kỳ",
    ),
]


@dataclass(frozen=True)
class ManualFigure:
    """A QĐ 766 component (or plan target) the dossier export cannot give: filled from the analyst's quarterly
    figures (source ``manual_figures``), else a no_data row saying which figures would fill it."""

    code: str
    name: str
    needs: str  # "cần …": the figures the unit would report


MANUAL_FIGURES = [
    ManualFigure(
        "1",
        "Chỉ số Công khai, minh bạch (nhóm 1, QĐ 766)",
        "điểm hoặc tỷ lệ nhóm Công khai, minh bạch do Cổng DVCQG công bố cho đơn vị",
    ),
    ManualFigure(
        "1.1",
        "Công khai, minh bạch: chỉ số thành phần 1.1 (công bố, công khai TTHC đúng hạn)",
        "số TTHC được công bố, công khai đúng hạn / tổng số TTHC phải công bố",
    ),
    ManualFigure(
        "1.2",
        "Công khai, minh bạch: chỉ số thành phần 1.2 (công khai TTHC đầy đủ)",
        "số TTHC được công khai đầy đủ trên Cổng DVC / tổng số TTHC của đơn vị",
    ),
    ManualFigure(
        "1.3",
        "Công khai, minh bạch: chỉ số thành phần 1.3 (công khai tiến độ, kết quả giải quyết)",
        "số hồ sơ được công khai tiến độ, kết quả / tổng số hồ sơ",
    ),
    ManualFigure(
        "1.4",
        "Tỷ lệ hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia",
        "số hồ sơ đã đồng bộ / số hồ sơ tiếp nhận trong kỳ",
    ),
    ManualFigure(
        "5.1",
        "Mức độ hài lòng: chỉ số thành phần 5.1 (tiếp nhận phản ánh, kiến nghị)",
        "số phản ánh, kiến nghị được tiếp nhận, xử lý / tổng số phản ánh, kiến nghị nhận được",
    ),
    ManualFigure(
        "5.2",
        "Mức độ hài lòng: chỉ số thành phần 5.2 (xử lý phản ánh, kiến nghị đúng hạn)",
        "số phản ánh, kiến nghị được trả lời đúng hạn / số phản ánh, kiến nghị đã xử lý",
    ),
    ManualFigure(
        "5.3",
        "Mức độ hài lòng: chỉ số thành phần 5.3 (đánh giá kết quả xử lý phản ánh, kiến nghị)",
        "số phản ánh, kiến nghị được người dân đánh giá hài lòng / số phản ánh, kiến nghị được đánh giá",
    ),
]
MANUAL_COLUMNS = ["unit", "period", "code", "numerator", "denominator"]
MANUAL_SOURCE_VI = "số liệu đơn vị tự báo cáo theo quý (manual_figures)"

# Which figure judges the plan's "Chỉ số mức độ hài lòng đạt trên 95%" (plan/targets.csv, counted), said alike in
# the service, SIPAS and overview reports.
SATISFACTION_TARGET_VI = (
    "Chỉ tiêu “Chỉ số mức độ hài lòng đạt trên 95 %” của Kế hoạch 23 nằm trong nhóm Bộ chỉ số phục vụ người dân, "
    "doanh nghiệp (QĐ 766), nên được đánh giá và đếm một lần bằng chỉ số 5.4 (tính từ hồ sơ một cửa); chỉ số SIPAS "
    "(khảo sát người dân) đo cùng nội dung theo cách khác, được đặt bên cạnh để đối chiếu và không đếm lại."
)
SATISFACTION = Figure(
    "5.4",
    "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC",
    "complaint_or_disliked",
    "judged",
    True,
    +1,
    ("complaint", "rating"),
    view=VIEW_766,
)
ALL_FIGURES = [*FIGURES, SATISFACTION]
CODES = [f.code for f in ALL_FIGURES] + [m.code for m in MANUAL_FIGURES]
DIRECTION = {f.code: f.direction for f in ALL_FIGURES} | {m.code: +1 for m in MANUAL_FIGURES}


def unit_counts(
    dossiers: pd.DataFrame, period: Period, settings: ServiceSettings, units: list[str] | None = None
) -> pd.DataFrame:
    """Dossier counts per unit for ``period`` (one column per flag of ``timeliness.classify``)."""
    certification = is_certification(dossiers, settings.certification)
    table = counts(classify(dossiers, period, certification))
    units = units if units is not None else sorted(dossiers["unit"].dropna().unique())
    return table.reindex(units, fill_value=0)


def figures(table: pd.DataFrame) -> pd.DataFrame:
    """unit, code, value, n, note for every figure, from the per-unit counts (vectorised over units)."""
    has_data = (table["in_form"] + table["handled"]).to_numpy() > 0
    parts = [_figure(f, table, has_data) for f in FIGURES]
    parts.append(_satisfaction(table, has_data))
    frame = pd.concat(parts, ignore_index=True)  # code-major: reorder unit by unit, codes in CODES order
    unit_rank = np.tile(np.arange(len(table)), len(parts))
    code_rank = np.repeat(np.arange(len(parts)), len(table))
    return frame.iloc[np.lexsort((code_rank, unit_rank))].reset_index(drop=True)


def _figure(figure: Figure, table: pd.DataFrame, has_data: np.ndarray) -> pd.DataFrame:
    numerator = table[figure.numerator].to_numpy(dtype=float)
    denominator = table[figure.denominator].to_numpy(dtype=float)
    missing = _missing_columns(table, figure.needs, any_of=False)
    if figure.share:
        usable = has_data & (denominator > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(usable, numerator / denominator * 100, np.nan)
    else:  # a count needs its columns only when there is something to look at
        usable = has_data & ((denominator == 0) | (missing == ""))
        value = np.where(usable, numerator, np.nan)
    note = _join(
        np.where(~has_data, NO_DOSSIERS, ""),
        np.where(has_data & ~usable & (missing != ""), missing, ""),
        np.where(has_data & ~usable & (missing == ""), figure.empty, ""),
        np.where(usable, figure.view, ""),
        _extra_note(figure.code, table, usable),
    )
    return _frame(table.index, figure.code, value, np.where(has_data, denominator, np.nan), note)


def _satisfaction(table: pd.DataFrame, has_data: np.ndarray) -> pd.DataFrame:
    """5.4 = 100 − (late % + % with a complaint or a dissatisfied rating), over the dossiers judged in 2.1."""
    judged = table["judged"].to_numpy(dtype=float)
    missing = _missing_columns(table, SATISFACTION.needs, any_of=True)
    usable = has_data & (judged > 0) & (missing == "")
    with np.errstate(invalid="ignore", divide="ignore"):
        late_pct = table["late"].to_numpy() / judged * 100
        feedback_pct = table["complaint_or_disliked"].to_numpy() / judged * 100
    value = np.where(usable, np.maximum(0.0, 100 - (late_pct + feedback_pct)), np.nan)
    shown = [
        f"100 − ({fmt.percent(a)} trễ hạn + {fmt.percent(b)} có phản ánh hoặc không hài lòng)" if ok else ""
        for a, b, ok in zip(late_pct, feedback_pct, usable)
    ]
    note = _join(
        np.where(~has_data, NO_DOSSIERS, ""),
        np.where(has_data & (missing != ""), missing, ""),
        np.where(has_data & (missing == "") & (judged == 0), "Không có hồ sơ phải giải quyết trong kỳ", ""),
        np.array(shown, dtype=object),
        np.where(usable, VIEW_766, ""),
    )
    return _frame(table.index, "5.4", value, np.where(has_data, judged, np.nan), note)


def _extra_note(code: str, table: pd.DataFrame, usable: np.ndarray) -> np.ndarray:
    """Counts the reader needs to trust a figure: dossiers left out for lack of a date or a value."""

    def say(column: str, text: str) -> np.ndarray:
        count = table[column].to_numpy()
        return np.array([text.format(k) if k and ok else "" for k, ok in zip(count, usable)], dtype=object)

    if code in ("2.1", "2.1.late"):
        return _join(
            say("no_due_766", "{} hồ sơ không có ngày hẹn trả không được tính"),
            say("late_resupplied", "gồm {} hồ sơ trễ hạn vì yêu cầu bổ sung quá một lần"),
            np.where(usable & (table["known_supplement_requests"].to_numpy() == 0), NO_SUPPLEMENT_COUNT, ""),
        )
    if code in ("06a.5", "3.3"):
        return say("channel_unknown", "gồm {} hồ sơ không rõ hình thức nộp, tính là trực tiếp")
    if code == "apology.missing":
        unknown = table["late_for_citizen"] - table["apology_known"]
        return np.array(
            [f"{k} hồ sơ trễ không có thông tin phiếu xin lỗi" if k and ok else "" for k, ok in zip(unknown, usable)],
            dtype=object,
        )
    return np.full(len(table), "", dtype=object)


NO_SUPPLEMENT_COUNT = (
    "Tệp xuất không có cột số lần yêu cầu bổ sung: chưa áp dụng được quy tắc “yêu cầu bổ sung "
    "quá một lần tính là trễ hạn”"
)


def manual_figures(manual: pd.DataFrame | None, units: list[str], period: Period) -> pd.DataFrame:
    """unit, code, value, n, note for every MANUAL_FIGURES code and unit: the analyst's figure for the period
    (numerator / denominator × 100, or the numerator alone when no denominator is given), else no data."""
    grid = pd.DataFrame([(u, m.code) for u in units for m in MANUAL_FIGURES], columns=["unit", "code"])
    if manual is not None and len(manual):
        mine = manual.loc[manual["period"].astype(str) == period.label, ["unit", "code", "numerator", "denominator"]]
        mine = mine.astype({"unit": str, "code": str}).drop_duplicates(["unit", "code"], keep="last")
        grid = grid.merge(mine, on=["unit", "code"], how="left")
    else:
        grid = grid.assign(numerator=np.nan, denominator=np.nan)
    numerator = pd.to_numeric(grid["numerator"], errors="coerce").to_numpy(dtype=float)
    denominator = pd.to_numeric(grid["denominator"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(
            np.isnan(denominator), numerator, np.where(denominator > 0, numerator / denominator * 100, np.nan)
        )
    needs = grid["code"].map({m.code: m.needs for m in MANUAL_FIGURES})
    note = np.where(
        np.isnan(value), "Không có dữ liệu — cần " + needs + f" ({MANUAL_SOURCE_VI})", "Theo " + MANUAL_SOURCE_VI
    )
    return pd.DataFrame({"unit": grid["unit"], "code": grid["code"], "value": value, "n": denominator, "note": note})


def _missing_columns(table: pd.DataFrame, needs: tuple[str, ...], any_of: bool) -> np.ndarray:
    """Per unit, "Tệp xuất không có cột …" when the export carried none of (any_of) / not all of the columns."""
    if not needs:
        return np.full(len(table), "", dtype=object)
    carried = np.column_stack([table[f"known_{c}"].to_numpy() > 0 for c in needs])
    absent = ~carried.any(axis=1) if any_of else ~carried.all(axis=1)
    names = [" và cột ".join(COLUMN_VI[c] for c, ok in zip(needs, row) if any_of or not ok) for row in carried]
    return np.array(
        [
            f"Tệp xuất không có cột {n}: không có dữ liệu" if a else ""
            for n, a in zip(names, np.asarray(absent).tolist())
        ],
        dtype=object,
    )


def _join(*notes: np.ndarray) -> np.ndarray:
    stacked = np.column_stack([np.asarray(n, dtype=object) for n in notes])
    return np.array(["; ".join(p for p in row if p) for row in stacked], dtype=object)


def _frame(units: pd.Index, code: str, value: np.ndarray, n: np.ndarray, note: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"unit": units.to_numpy(), "code": code, "value": value, "n": n, "note": note})


def service_rows(
    dossiers: pd.DataFrame,
    period: Period,
    baseline_year: int,
    settings: ServiceSettings | None = None,
    units: list[str] | None = None,
    manual: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The service index for every unit in ``dossiers`` (or for ``units``, those without dossiers getting
    no-data rows) in the long format, with the same figures for the same quarter of ``baseline_year`` as
    baseline (computed from the same frame by the same rules). ``manual`` (MANUAL_COLUMNS) fills the
    components the export cannot give; without it they are no-data rows saying what would fill them."""
    settings = settings or ServiceSettings.from_reference()
    units = list(units) if units is not None else sorted(dossiers["unit"].dropna().unique())
    baseline_period = period.in_year(baseline_year)
    current = _all_figures(dossiers, period, settings, units, manual)
    if baseline_year != period.year:
        before = _all_figures(dossiers, baseline_period, settings, units, manual)
        current["baseline"] = before["value"].to_numpy()  # same units, same code order
    else:
        current["baseline"] = np.nan
    return assemble(current, period, baseline_period, settings)


def _all_figures(
    dossiers: pd.DataFrame, period: Period, settings: ServiceSettings, units: list[str], manual: pd.DataFrame | None
) -> pd.DataFrame:
    """figures() and manual_figures(), unit by unit in CODES order."""
    frame = pd.concat(
        [figures(unit_counts(dossiers, period, settings, units)), manual_figures(manual, units, period)],
        ignore_index=True,
    )
    rank = {u: i for i, u in enumerate(units)}
    order = np.lexsort((frame["code"].map(CODES.index).to_numpy(), frame["unit"].map(rank).to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def assemble(rows: pd.DataFrame, period: Period, baseline_period: Period, settings: ServiceSettings) -> pd.DataFrame:
    """unit, code, value, n, note, baseline -> the long format with names, targets, gaps, points and status."""
    names = {f.code: f.name for f in ALL_FIGURES} | {m.code: m.name for m in MANUAL_FIGURES}
    shares = {f.code for f in ALL_FIGURES if f.share} | {m.code for m in MANUAL_FIGURES}
    frame = rows.merge(settings.targets[["code", "target", "comparison"]], on="code", how="left")
    frame = frame.merge(settings.scoring, on="code", how="left")
    value, target = frame["value"].astype(float), frame["target"]
    frame["points"] = np.minimum(frame["max_points"], value * frame["max_points"] / frame["full_at_pct"])
    frame["change_vs_baseline"] = value - frame["baseline"]
    comparison = frame["comparison"].fillna(">=")
    frame["gap_to_target"] = [long.gap_to_target(v, t, c) for v, t, c in zip(value, target, comparison)]
    frame["status"] = [
        _status(v, t, c, b, DIRECTION[code])
        for v, t, c, b, code in zip(value, target, comparison, frame["baseline"], frame["code"])
    ]
    frame = frame.assign(
        period=period.label,
        index=INDEX,
        name=frame["code"].map(names),
        level="indicator",
        measure=np.where(frame["code"].isin(shares), "percent", "count"),
        baseline_period=baseline_period.label,
        owner=frame["code"].map(settings.owners),
        note=frame["note"].replace("", None),
    ).drop(columns=["comparison", "full_at_pct"])
    return long.long_frame(frame)


def _status(value: float, target: float, comparison: str, baseline: float, direction: int) -> str | None:
    """long.status_for for judged figures; a volume (06a.3, 06a.5 …) has no status unless it has no data."""
    if long.is_missing(value):
        return "no_data"
    if direction == 0 and long.is_missing(target):
        return None
    if long.is_missing(target):
        return long.change_status(value, baseline, higher_is_better=direction > 0)
    return long.status_for(value, target, comparison, baseline)
