"""PAPI analysis (pure): ranks, quartile groups, gaps and changes of a province, and its long-format rows.

Input is the validated official frame (analysis.reference.papi_official.read_official), optionally sub-dimension scores.
A score is "scored" when it is not NA; ranks, groups and national statistics of a year and component use the
provinces scored on that component that year only.

Quartile rule "nearest_rank" (settings.csv; the published fact is only "16/16/15/16 with 63"): rank 1 = the
highest score, ties share the better rank; with n scored provinces, group k = 1, 2, 3 ends at rank
floor(k*n/4 + 1/2) and group 4 takes the rest. A total of a 6-dimension year (before 2018, scale 6–60) is
never compared with an 8-dimension total (8–80): such a change is NA and the reports say "không so sánh được".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.indicators.long import gap_to_target, long_frame, status_for

DIMENSIONS = [f"D{i}" for i in range(1, 9)]
TOTAL = "total"
GROUPS_VI = {1: "Cao", 2: "Trung bình cao", 3: "Trung bình thấp", 4: "Thấp"}
NOT_COMPARABLE_VI = "không so sánh được"
TARGET_RULES_VI = {
    "median": "trung vị toàn quốc năm {year}",
    "p75": "phân vị 75 toàn quốc năm {year} (ngưỡng nhóm điểm cao nhất)",
    "next_group": "điểm thấp nhất của nhóm xếp hạng cao hơn năm {year}",
}
BENCHMARK_STATUS = {"median": "above_median", "p75": "above_p75", "next_group": "above_next_group"}
SUBDIMENSION_HINT_VI = (
    "điểm nội dung thành phần được nhập tay từ báo cáo PAPI vào "
    "bảng điểm nội dung thành phần của dữ liệu tham chiếu (theo tệp mẫu)"
)
QUARTILE_RULE_VI = (
    "xếp hạng theo điểm (1 = cao nhất, bằng điểm thì cùng hạng cao hơn); với n tỉnh có điểm, "
    "nhóm thứ k (k = 1, 2, 3) kết thúc ở hạng làm tròn của k·n/4, nhóm 4 gồm các tỉnh còn lại "
    "(63 tỉnh: 16/16/15/16)"
)


def scores_long(official: pd.DataFrame) -> pd.DataFrame:
    """province, region, year, code (D1…D8, total), value, scale_dims — scored values only."""
    frame = official.melt(
        id_vars=["province", "region", "year", "n_expected"],
        value_vars=[*DIMENSIONS, TOTAL],
        var_name="code",
        value_name="value",
    )
    frame = frame[frame["value"].notna()].rename(columns={"n_expected": "scale_dims"})
    return frame.astype({"code": "string", "value": "Float64"}).reset_index(drop=True)


def standings(scores: pd.DataFrame) -> pd.DataFrame:
    """For every province, year and code: rank, n_scored, group, the next group's lowest score and the points
    needed to reach it, the national median, P25, P75 (linear interpolation) and the best province."""
    frame = scores.sort_values(["year", "code", "province"]).reset_index(drop=True)
    by = frame.groupby(["year", "code"])["value"]
    frame["rank"] = by.rank(ascending=False, method="min").astype("int64")
    frame["n_scored"] = by.transform("size").astype("int64")
    frame["group"] = _groups(frame["rank"], frame["n_scored"])
    frame["group_vi"] = frame["group"].map(GROUPS_VI).astype("string")
    quartiles = by.quantile([0.25, 0.5, 0.75]).unstack().rename(columns={0.25: "p25", 0.5: "median", 0.75: "p75"})
    frame = frame.join(quartiles.astype("Float64"), on=["year", "code"])
    frame["best"] = by.transform("max")
    best_at = frame.loc[by.idxmax(), ["year", "code", "province"]].rename(columns={"province": "best_province"})
    frame = frame.merge(best_at, on=["year", "code"], how="left")
    floors = frame.groupby(["year", "code", "group"])["value"].min().unstack("group").reindex(columns=[1, 2, 3, 4])
    above = pd.concat({g: floors[list(range(g - 1, 0, -1))].bfill(axis=1).iloc[:, 0] for g in (2, 3, 4)}, axis=1)
    above = above.rename_axis(columns="group").stack().rename("next_group_floor").reset_index()
    frame = frame.merge(above, on=["year", "code", "group"], how="left")
    frame["next_group_floor"] = frame["next_group_floor"].astype("Float64")
    frame["points_to_next_group"] = frame["next_group_floor"] - frame["value"]
    frame["own_group_floor"] = frame.groupby(["year", "code", "group"])["value"].transform("min")
    return frame


def _groups(rank: pd.Series, n: pd.Series) -> pd.Series:
    bounds = [((k * n) / 4 + 0.5).floordiv(1) for k in (1, 2, 3)]
    return (1 + sum((rank > b).astype("int64") for b in bounds)).astype("int64")


RANKING_COLUMNS = [
    "rank",
    "group",
    "group_vi",
    "median",
    "p25",
    "p75",
    "best",
    "best_province",
    "next_group_floor",
    "points_to_next_group",
    "own_group_floor",
]


def mask_incomplete(sub_standing: pd.DataFrame, standing: pd.DataFrame, parents: Mapping[str, str]) -> pd.DataFrame:
    """Sub-dimension standings are national only when the file covers every province scored on the parent
    dimension that year; otherwise ranks, groups and national statistics are NA (a rank of 1 among 1 is none)."""
    counts = (
        standing.groupby(["year", "code"], as_index=False)["n_scored"]
        .first()
        .rename(columns={"code": "parent", "n_scored": "parent_scored"})
    )
    frame = sub_standing.assign(parent=sub_standing["code"].map(dict(parents))).merge(
        counts, on=["year", "parent"], how="left"
    )
    complete = (frame["n_scored"] >= frame["parent_scored"]).fillna(False).astype(bool)
    for column in RANKING_COLUMNS:
        frame[column] = frame[column].where(complete)
    return frame.drop(columns=["parent", "parent_scored"]).assign(complete=complete)


def province_profile(standing: pd.DataFrame, province: str, baseline_year: int) -> pd.DataFrame:
    """The focus province, every year and code: its standing, gaps to the national median, P25, P75 and the
    best, and changes since the year before and since the baseline (NA when the totals are not comparable)."""
    mine = standing[standing["province"] == province].sort_values(["code", "year"]).reset_index(drop=True)
    mine["gap_median"] = mine["value"] - mine["median"]
    mine["gap_p25"] = mine["value"] - mine["p25"]
    mine["gap_p75"] = mine["value"] - mine["p75"]
    mine["gap_best"] = mine["value"] - mine["best"]
    previous = mine[["code", "year", "value", "scale_dims"]].assign(year=mine["year"] + 1)
    mine = mine.merge(previous, on=["code", "year"], how="left", suffixes=("", "_prev"))
    base = mine.loc[mine["year"] == baseline_year, ["code", "value", "scale_dims"]]
    mine = mine.merge(base, on="code", how="left", suffixes=("", "_base"))
    mine["change_prev"] = _comparable_change(mine, "_prev")
    mine["change_baseline"] = _comparable_change(mine, "_base")
    mine["prev_comparable"] = (
        mine["value_prev"].isna() | (mine["scale_dims"] == mine["scale_dims_prev"]) | (mine["code"] != TOTAL)
    )
    mine["baseline_comparable"] = (
        mine["value_base"].isna() | (mine["scale_dims"] == mine["scale_dims_base"]) | (mine["code"] != TOTAL)
    )
    return mine


def as_of(frame: pd.DataFrame, latest: int | None, baseline_year: int) -> pd.DataFrame:
    """What was known in ``latest``: later years dropped, and no baseline before the baseline year exists."""
    if latest is None:
        return frame.iloc[0:0]
    known = frame[frame["year"] <= latest].copy()
    if latest < baseline_year and "value_base" in known:
        for column in ("value_base", "change_baseline"):
            known[column] = pd.Series(pd.NA, index=known.index, dtype="Float64")
    return known


def _comparable_change(frame: pd.DataFrame, suffix: str) -> pd.Series:
    """value − earlier value; NA for a total whose earlier year had another number of dimensions."""
    same_scale = (frame["code"] != TOTAL) | (frame["scale_dims"] == frame[f"scale_dims{suffix}"])
    return (frame["value"] - frame[f"value{suffix}"]).where(same_scale.fillna(False)).astype("Float64")


def latest_year(years: pd.Series | list[int], period_year: int) -> int | None:
    """PAPI is annual: the latest published survey year not after the reporting period's year."""
    usable = [int(y) for y in years if int(y) <= period_year]
    return max(usable) if usable else None


def target_values(profile_latest: pd.DataFrame, rule: str) -> pd.Series:
    """The target of each code under the settings' rule (see settings.csv), indexed by code."""
    rows = profile_latest.set_index("code")
    if rule == "median":
        return rows["median"]
    if rule == "p75":
        return rows["p75"]
    if rule == "next_group":
        return rows["next_group_floor"].fillna(rows["own_group_floor"])
    raise ValueError(f"unknown target rule {rule!r}")


def weakest(profile: pd.DataFrame, year: int, count: int = 3) -> pd.DataFrame:
    """The ``count`` dimensions ranked lowest among provinces in ``year`` (ties: the larger shortfall to the
    median first) — relative standing, because some dimensions (D7, D8) score low everywhere."""
    dims = profile[(profile["year"] == year) & profile["code"].isin(DIMENSIONS)]
    return dims.sort_values(["rank", "gap_median"], ascending=[False, True]).head(count).reset_index(drop=True)


def moved_most(profile: pd.DataFrame, year: int) -> pd.DataFrame:
    """The dimensions of ``year`` ordered by the size of their change since the baseline (largest first)."""
    dims = profile[(profile["year"] == year) & profile["code"].isin(DIMENSIONS) & profile["change_baseline"].notna()]
    order = dims["change_baseline"].abs().sort_values(ascending=False).index
    return dims.loc[order].reset_index(drop=True)


def region_view(standing: pd.DataFrame, province: str, year: int | None, region: str | None = None) -> pd.DataFrame:
    """Every province of the region (default: the focus province's region that year) in ``year``: value, rank
    and group per code, and the focus province's gap to it (focus − other; positive = the focus is ahead).
    ``year`` None (no PAPI year for the period): no rows."""
    year_rows = standing[standing["year"] == year]
    if region is None:
        found = year_rows.loc[year_rows["province"] == province, "region"]
        region = found.iloc[0] if len(found) else None
    peers = year_rows[year_rows["region"] == region]
    focus = peers.loc[peers["province"] == province, ["code", "value"]].rename(columns={"value": "focus_value"})
    peers = peers.merge(focus, on="code", how="left")
    peers["gap_from_focus"] = (peers["focus_value"] - peers["value"]).astype("Float64")
    return peers.drop(columns="focus_value").sort_values(["code", "rank"]).reset_index(drop=True)


def long_rows(
    profile: pd.DataFrame,
    *,
    province: str,
    latest: int | None,
    baseline_year: int,
    rule: str,
    names: Mapping[str, str],
    owners: Mapping[str, str],
    period_label: str,
    sub_profile: pd.DataFrame | None = None,
    sub_parents: Mapping[str, str] | None = None,
    sub_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Long-format rows: total, D1…D8 and the sub-dimensions ``sub_parents`` (code -> dimension) of ``province``.

    value = the latest year's score, baseline = the baseline year's, target by ``rule``; sub-dimensions inherit
    their dimension's owner. A component without a score is a no_data row, never a number.
    """
    codes = [TOTAL, *DIMENSIONS]
    main = _rows_for(
        profile,
        codes,
        province=province,
        latest=latest,
        baseline_year=baseline_year,
        rule=rule,
        names=names,
        owners=owners,
        period_label=period_label,
    )
    if not sub_parents:
        return main
    if sub_profile is None:  # no sub-dimension scores: every sub-dimension is a no_data row
        sub_profile = profile.iloc[0:0]
    sub_owners = {code: owners.get(parent, "") for code, parent in sub_parents.items()}
    subs = _rows_for(
        sub_profile,
        list(sub_parents),
        province=province,
        latest=latest,
        baseline_year=baseline_year,
        rule=rule,
        names=sub_names or {},
        owners=sub_owners,
        period_label=period_label,
    )
    return long_frame(pd.concat([main, subs], ignore_index=True))


def _rows_for(
    profile: pd.DataFrame,
    codes: list[str],
    *,
    province: str,
    latest: int | None,
    baseline_year: int,
    rule: str,
    names: Mapping[str, str],
    owners: Mapping[str, str],
    period_label: str,
) -> pd.DataFrame:
    this_year = profile[profile["year"] == latest]
    found = this_year.set_index("code").reindex(codes)  # a code without a score: a row of NA
    frame = pd.DataFrame({"code": codes})
    frame["value"] = found["value"].to_numpy()
    frame["target"] = target_values(this_year, rule).reindex(codes).to_numpy()
    # The change since the baseline is unknown before the baseline year, and NA across 6 vs 8 dimensions.
    comparable = found["baseline_comparable"].fillna(True).astype(bool).to_numpy()
    baseline_known = latest is not None and latest >= baseline_year
    frame["baseline"] = found["value_base"].where(comparable & baseline_known).to_numpy()
    frame = frame.astype({"value": "Float64", "baseline": "Float64", "target": "Float64"})
    frame["change_vs_baseline"] = frame["value"] - frame["baseline"]
    frame["gap_to_target"] = [gap_to_target(v, t, ">=") for v, t in zip(frame["value"], frame["target"])]
    # The "target" is a benchmark the project chose (the plan sets no PAPI number): reaching it is said as what it
    # is ("trên trung vị toàn quốc"), never "đạt chỉ tiêu".
    judged = (status_for(v, t, ">=", b) for v, t, b in zip(frame["value"], frame["target"], frame["baseline"]))
    frame["status"] = [BENCHMARK_STATUS[rule] if s == "met" else s for s in judged]
    rule_text = TARGET_RULES_VI[rule].format(year=latest)
    frame["note"] = _notes(frame, found, comparable, latest, rule_text, period_label)
    frame["level"] = frame["code"].map(_level)
    frame["measure"] = frame["code"].map(_measure)
    if latest is not None and latest < 2018:
        frame.loc[frame["code"] == TOTAL, "measure"] = "score_6_60"
    frame["name"] = frame["code"].map(lambda c: names.get(c, c))
    frame["owner"] = frame["code"].map(lambda c: owners.get(c) or None)
    frame["period"] = str(latest) if latest is not None else period_label
    frame["unit"] = province
    frame["index"] = "papi"
    frame["baseline_period"] = str(baseline_year)
    return long_frame(frame)


def _level(code: str) -> str:
    return "index" if code == TOTAL else ("dimension" if code in DIMENSIONS else "subdimension")


def _measure(code: str) -> str:
    return "score_8_80" if code == TOTAL else ("score_1_10" if code in DIMENSIONS else "score_subdimension")


def _notes(
    frame: pd.DataFrame, found: pd.DataFrame, comparable, latest: int | None, rule_text: str, period_label: str
) -> list[str]:
    """A Vietnamese note per row: standing, target rule, and which PAPI year the reporting period uses."""
    if latest is None:
        return [f"Chưa có kết quả PAPI công bố cho năm của kỳ {period_label} hoặc trước đó."] * len(frame)
    annual = (
        f"PAPI là chỉ số năm: kỳ {period_label} dùng kết quả PAPI {latest} "
        "(năm gần nhất đã có, không sau năm của kỳ báo cáo)."
    )
    notes = []
    for code, value, target, rank, size, group, same in zip(
        frame["code"], frame["value"], frame["target"], found["rank"], found["n_scored"], found["group_vi"], comparable
    ):
        if pd.isna(value) and _level(code) == "subdimension":
            parts = [f"Chưa có điểm năm {latest}: {SUBDIMENSION_HINT_VI}."]
        elif pd.isna(value):
            parts = [f"Không có điểm năm {latest}."]
        elif pd.isna(rank):
            parts = ["Chưa xếp hạng: tệp điểm nội dung thành phần chưa có đủ các tỉnh."]
        else:
            parts = [f"Năm {latest}: hạng {int(rank)}/{int(size)}, nhóm {group}."]
        if not same:
            parts.append(f"So với năm gốc: {NOT_COMPARABLE_VI} (khác số nội dung).")
        parts.append(
            f"Mốc so sánh (dự án chọn, kế hoạch không đặt chỉ tiêu cho PAPI): {rule_text}."
            if pd.notna(target) or pd.isna(value)
            else f"Chưa có mốc so sánh ({rule_text}): cần số liệu của mọi tỉnh."
        )
        parts.append(annual)
        notes.append(" ".join(parts))
    return notes
