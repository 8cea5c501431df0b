"""PAR INDEX arithmetic: leaf points -> criteria, fields and total; 2023 against now; the long-format rows.

Pure: frames in, frames out. Scores are the processed ``par_index`` table (one row per unit, year, as-of date
and criterion code); trees are read by ``analysis.reference.par`` and summed by ``analysis.par_tree.rollup``.
Only leaves carry points: every parent, field and the total is summed from its leaves (a subtotal written in a
score file is checked by ``ingest.par_checks``, never used). A node with an unscored leaf has no points (NA,
"no_data"), never a partial sum presented as its score; the scored part is kept beside it (scored_points / scored_max).

Status of a leaf, 2023 (baseline, via the code mapping) against now, on its lost points (max − points):
  full       — nothing lost in either year       recovered  — lost in 2023, nothing lost now
  still_lost — lost in both years                newly_lost — nothing lost in 2023, lost now
  no_baseline — no counterpart in 2023 or no 2023 points;  no_data — no points now.
A parent (criterion, field, the total) takes the first that holds among: no_data (no points now),
still_lost (one of its leaves is), newly_lost (one is), no_baseline (what it loses now is on criteria without
a counterpart), recovered (nothing lost now, something lost in 2023), full. Its own lost points are not
compared with the 2023 node's, whose content may differ (a criterion moved between fields). The points
recovered, still lost and newly lost inside it are summed from its leaves; a leaf that is still lost but less
than in 2023 counts the difference as recovered. Lost amounts below EPS are no loss (two-decimal points).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.fmt import compact_series
from analysis.indicators.long import long_frame
from analysis.reference.par_tree import EPS, TOTAL, lineage, with_total

INDEX = "par"
BASIS_VI = {"appraised": "điểm thẩm định", "self": "điểm tự đánh giá"}
NO_COUNTERPART_VI = "không có tiêu chí tương ứng"


def year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(year), month=12, day=31)


def join_notes(parts: pd.DataFrame) -> pd.Series:
    """Column-wise "; "-join of the non-missing texts of each row (NA where a row has none)."""
    joined = pd.Series(pd.NA, index=parts.index, dtype="string")
    for column in parts:
        piece = parts[column].astype("string")
        joined = joined.where(piece.isna(), (joined + "; " + piece).fillna(piece))
    return joined


# ---------------------------------------------------------------- which scores count


def latest_scores(table: pd.DataFrame, year: int, until: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per unit, the rows of its latest assessment of ``year`` dated at or before ``until``.

    A row without an as-of date is the year's final assessment (dated 31/12). ``points`` = appraised points
    when that assessment carries any, else the self-assessed points; ``basis`` says which.
    """
    rows = table[table["year"] == year]
    stamp = rows["as_of"].fillna(year_end(year))
    if until is not None:
        rows, stamp = rows[stamp <= until], stamp[stamp <= until]
    latest = stamp.groupby(rows["unit"]).transform("max")
    rows, stamp = rows[stamp == latest], stamp[stamp == latest]
    appraised = rows["appraised_points"].notna().groupby(rows["unit"]).transform("any").astype(bool)
    return pd.DataFrame(
        {
            "unit": rows["unit"],
            "code": rows["code"],
            "points": rows["appraised_points"].where(appraised, rows["self_points"]),
            "self_points": rows["self_points"],
            "appraised_points": rows["appraised_points"],
            "evidence": rows["evidence"],
            "as_of": stamp,
            "basis": np.where(appraised, "appraised", "self"),
        }
    ).reset_index(drop=True)


def rating(ratio: pd.Series, bands: pd.DataFrame) -> pd.Series:
    """The band (ratings.csv) a ratio reaches, on the ratio rounded to 2 decimals as published; NA stays NA."""
    rounded = pd.to_numeric(ratio).astype("Float64").round(2)
    result = pd.Series(pd.NA, index=ratio.index, dtype="string")
    for band in bands.sort_values("min_percent").itertuples():  # a handful of bands, lowest first
        result = result.mask((rounded >= band.min_percent).fillna(False), band.rating)
    return result.where(rounded.notna())


# ---------------------------------------------------------------- 2023 against now


def status_of(lost_before: pd.Series, lost_now: pd.Series) -> pd.Series:
    """The status rule of the module docstring, element-wise."""
    before, now = pd.to_numeric(lost_before).astype("Float64"), pd.to_numeric(lost_now).astype("Float64")
    full_before, full_now = (before <= EPS).fillna(False), (now <= EPS).fillna(False)
    lost_b, lost_n = (before > EPS).fillna(False), (now > EPS).fillna(False)
    status = pd.Series("no_data", index=now.index, dtype="string")
    status[now.notna() & before.isna()] = "no_baseline"
    status[full_before & full_now] = "full"
    status[lost_b & full_now] = "recovered"
    status[lost_b & lost_n] = "still_lost"
    status[full_before & lost_n] = "newly_lost"
    return status


def comparable_nodes(tree_now: pd.DataFrame, tree_before: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """code (now), code_before and ``comparable``: its leaves' counterparts are exactly the leaves of
    code_before, so the two years' points measure the same content."""
    now, before = with_total(tree_now), with_total(tree_before)
    back = pairs.dropna(subset=["code_to"]).set_index("code_to")["code_from"]
    back = pd.concat([back, pd.Series({TOTAL: TOTAL})])
    nodes = pd.DataFrame({"code": now["code"], "code_before": now["code"].map(back).astype("string")})
    leaves_now = lineage(now).merge(now.loc[now["is_leaf"], ["code"]], on="code")
    leaves_now["leaf_before"] = leaves_now["code"].map(back)
    leaves_before = lineage(before).merge(before.loc[before["is_leaf"], ["code"]], on="code")
    size_before = leaves_before.groupby("ancestor").size()
    linked = leaves_now.merge(nodes.rename(columns={"code": "ancestor"}), on="ancestor")
    inside = linked.merge(
        leaves_before.rename(columns={"ancestor": "code_before", "code": "leaf_before"}),
        on=["code_before", "leaf_before"],
        how="left",
        indicator=True,
    )
    counts = inside.groupby("ancestor").agg(n=("code", "size"), matched=("_merge", lambda m: (m == "both").sum()))
    nodes["comparable"] = (nodes["code"].map(counts["n"]) == nodes["code"].map(counts["matched"])) & (
        nodes["code"].map(counts["n"]) == nodes["code_before"].map(size_before)
    )
    return nodes.reset_index(drop=True)


def parent_status(points: pd.Series, moved: pd.DataFrame) -> pd.Series:
    """A parent's (or the total's) status from its leaves' movements (sums in ``moved``), first match:
    no_data (no points now) > still_lost > newly_lost > no_baseline (its points lost now are on criteria
    without a counterpart, or none of its leaves has one) > recovered > full."""
    status = pd.Series("full", index=points.index, dtype="string")
    status[(moved["recovered_points"] > EPS).to_numpy()] = "recovered"
    status[((moved["unmatched_lost_points"] > EPS) | (moved["n_based"] == 0)).to_numpy()] = "no_baseline"
    status[(moved["newly_lost_points"] > EPS).to_numpy()] = "newly_lost"
    status[(moved["still_lost_points"] > EPS).to_numpy()] = "still_lost"
    status[points.isna().to_numpy()] = "no_data"
    return status


def compare(now: pd.DataFrame, before: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """``now`` rollup + its baseline counterpart (``links`` from comparable_nodes): baseline points and
    maximum, lost_before, status, and the points recovered / still lost / newly lost / lost on criteria
    without a counterpart, summed from the leaves (n_based = leaves with a baseline)."""
    out = now.merge(links, on="code", how="left")
    base = before[["unit", "code", "points", "max_points", "lost"]].rename(
        columns={"code": "code_before", "points": "baseline", "max_points": "baseline_max", "lost": "lost_before"}
    )
    out = out.merge(base, on=["unit", "code_before"], how="left")
    out["baseline_share"] = (out["baseline"] / out["baseline_max"].where(out["baseline_max"] > 0) * 100).astype(
        "Float64"
    )  # the baseline's ratio, computed here once for every report
    leaf = out["is_leaf"].astype(bool)
    status = status_of(out["lost_before"], out["lost"])
    moved = (
        pd.DataFrame(
            {
                "recovered_points": (out["lost_before"] - out["lost"])
                .clip(lower=0)
                .where(status.isin(["recovered", "still_lost"]), 0.0),
                "still_lost_points": out["lost"].where(status == "still_lost", 0.0),
                "newly_lost_points": out["lost"].where(status == "newly_lost", 0.0),
                "unmatched_lost_points": out["scored_lost"].where(out["code_before"].isna(), 0.0),
                "n_based": out["lost_before"].notna().astype(int),
            }
        )
        .fillna(0.0)
        .where(leaf, 0.0)
    )
    pairs = lineage(now.drop_duplicates("code")[["code", "parent"]])
    per_leaf = pd.concat([out[["unit", "code"]], moved], axis=1)[leaf].merge(pairs[["ancestor", "code"]], on="code")
    sums = per_leaf.groupby(["unit", "ancestor"])[list(moved.columns)].sum()
    sums = sums.reindex(pd.MultiIndex.from_frame(out[["unit", "code"]])).set_axis(out.index).fillna(0.0)
    out = pd.concat([out, sums], axis=1)
    out["status"] = status.where(leaf, parent_status(out["points"], sums))
    return out


# ---------------------------------------------------------------- long format


def notes(frame: pd.DataFrame, baseline_year: int) -> pd.Series:
    """The row's caveats in Vietnamese: unscored leaves, no counterpart, changed content, points moved."""
    parts = pd.DataFrame(index=frame.index)
    parts["unscored"] = ("chưa có điểm " + frame["n_unscored"].astype(str) + " tiêu chí thành phần").where(
        frame["n_unscored"] > 0
    )
    parts["nomatch"] = pd.Series(f"{NO_COUNTERPART_VI} năm {baseline_year}", index=frame.index).where(
        frame["code_before"].isna()
    )
    parts["changed"] = pd.Series(f"thành phần thay đổi so với năm {baseline_year}", index=frame.index).where(
        frame["code_before"].notna() & ~frame["comparable"].fillna(False).astype(bool)
    )
    moved_code = frame["code_before"].notna() & (frame["code_before"] != frame["code"])
    parts["code"] = (f"năm {baseline_year} là mã " + frame["code_before"].fillna("")).where(moved_code)
    max_changed = frame["baseline_max"].notna() & ((frame["baseline_max"] - frame["max_points"]).abs() > EPS)
    parts["max"] = (f"điểm tối đa năm {baseline_year}: " + compact_series(frame["baseline_max"])).where(max_changed)
    for column, words in [
        ("recovered_points", "đã khắc phục"),
        ("still_lost_points", "vẫn mất"),
        ("newly_lost_points", "mới mất"),
    ]:
        parts[column] = (words + " " + compact_series(frame[column]) + " điểm").where(frame[column] > EPS)
    unmatched = ~frame["is_leaf"].astype(bool) & (frame["unmatched_lost_points"] > EPS)
    parts["unmatched"] = (
        "mất "
        + compact_series(frame["unmatched_lost_points"])
        + f" điểm ở tiêu chí {NO_COUNTERPART_VI} năm {baseline_year}"
    ).where(unmatched)
    return join_notes(parts)


def long_rows(
    compared: pd.DataFrame, period: str, baseline_year: int, owners: pd.Series, bands: pd.DataFrame
) -> pd.DataFrame:
    """The long format (DESIGN.md): index "par", code = criterion code ("total" for the unit), value = share
    achieved (percent), points / max_points in points, baseline = 2023 points, change_vs_baseline in points."""
    note = notes(compared, baseline_year)
    total = compared["code"] == TOTAL
    total_note = (
        "xếp loại "
        + rating(compared["share"], bands).fillna("chưa xếp loại")
        + "; "
        + compared["basis"].map(BASIS_VI).fillna("")
        + " đến "
        + compared["as_of"].dt.strftime("%d/%m/%Y").fillna("")
    )
    note = note.mask(total, join_notes(pd.DataFrame({"total": total_note, "rest": note})))
    return long_frame(
        pd.DataFrame(
            {
                "period": period,
                "unit": compared["unit"],
                "index": INDEX,
                "code": compared["code"],
                "name": compared["name"],
                "level": compared["level"],
                "value": compared["share"],
                "measure": "percent",
                "max_points": compared["max_points"],
                "points": compared["points"],
                "baseline": compared["baseline"],
                "baseline_period": str(baseline_year),
                "change_vs_baseline": compared["points"] - compared["baseline"],
                "status": compared["status"],
                "owner": compared["code"].map(owners),
                "note": note,
            }
        )
    )


def no_data_rows(units: list[str], period: str, baseline_year: int) -> pd.DataFrame:
    """One total row per unit without PAR points for the period: value NA, status no_data, never 0."""
    return long_frame(
        [
            {
                "period": period,
                "unit": unit,
                "index": INDEX,
                "code": TOTAL,
                "name": "Tổng điểm",
                "level": "index",
                "measure": "percent",
                "baseline_period": str(baseline_year),
                "status": "no_data",
                "note": "không có điểm PAR INDEX của đơn vị cho kỳ này",
            }
            for unit in units
        ]
    )
