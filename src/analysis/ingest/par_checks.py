"""Validation of PAR INDEX scores between rows: what a single row cannot show, listed, never patched.

Row-level faults (unknown code, points above the maximum, ...) are quarantined by ``ingest.par``. What is
checked here keeps the rows and lands in a validation table that the data-quality report (through the
manifest notes) and the PAR report show, each issue naming the file, the row (where there is one) and the
code:
- missing_leaf — an assessment (unit, year, as-of date) without a row for a leaf of that year's set; the
  leaf, and every node above it, then has no points (NA), it is not taken as zero;
- parent_sum — a subtotal written in the file differs from the sum of its leaves; the reports use the sum;
- max_mismatch — the maximum written in the file differs from the criteria set's;
- appraised_missing — an assessment with appraised points on some leaves but not on this one.
"""

from __future__ import annotations

import pandas as pd

from analysis.fmt import compact_series
from analysis.reference.par_tree import EPS, CriteriaSet, rollup

ISSUE_COLUMNS = ["kind", "file", "row", "unit", "year", "as_of", "code", "message"]
KIND_VI = {
    "missing_leaf": "Thiếu dòng điểm",
    "parent_sum": "Tổng không khớp",
    "max_mismatch": "Điểm tối đa khác bộ tiêu chí",
    "appraised_missing": "Thiếu điểm thẩm định",
}
COLUMN_VI = {"self_points": "điểm tự đánh giá", "appraised_points": "điểm thẩm định"}
NO_DATE = pd.Timestamp("1900-01-01")  # groups rows without an as-of date together
HELD_NOTE = " — có dòng của tiêu chí này (cùng đơn vị, năm) bị cách ly, xem lý do trong danh sách cách ly"


def issue_frame(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(columns=ISSUE_COLUMNS) if rows is None else rows
    frame = frame[ISSUE_COLUMNS].astype({c: "string" for c in ("kind", "file", "unit", "code", "message")})
    frame["row"] = pd.to_numeric(frame["row"]).astype("Int64")
    frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    frame["as_of"] = pd.to_datetime(frame["as_of"]).astype("datetime64[us]")
    return frame.reset_index(drop=True)


def record_id(frame: pd.DataFrame) -> pd.Series:
    """ "Ninh Thạnh | 2024 | 3.4.1": the unit, year and criterion a quarantined row was about."""
    return (
        frame["unit"].fillna("?")
        + " | "
        + frame["year"].astype("string").fillna("?")
        + " | "
        + frame["code"].fillna("?")
    )


def _where(frame: pd.DataFrame) -> pd.Series:
    """ "Ninh Thạnh, năm 2024 (đến 31/03/2024)" — which assessment a message is about."""
    when = (" (đến " + frame["as_of"].dt.strftime("%d/%m/%Y") + ")").fillna("")
    return frame["unit"].astype("string") + ", năm " + frame["year"].astype("string") + when


def missing_leaves(table: pd.DataFrame, tree: pd.DataFrame, quarantine: pd.DataFrame | None) -> pd.DataFrame:
    """Leaves without a row in an assessment; says so when that row was quarantined."""
    key = table.assign(_date=table["as_of"].fillna(NO_DATE))
    snapshots = key.groupby(["unit", "year", "_date"], as_index=False).agg(file=("source_file", "min"))
    leaves = tree.loc[tree["is_leaf"], ["code", "name"]]
    expected = snapshots.merge(leaves, how="cross")
    found = expected.merge(key[["unit", "year", "_date", "code"]].drop_duplicates(), how="left", indicator=True)
    missing = found[found["_merge"] == "left_only"].drop(columns="_merge")
    missing["as_of"] = missing["_date"].where(missing["_date"] != NO_DATE)
    text = (
        missing["file"]
        + ": "
        + _where(missing)
        + ": không có dòng điểm của tiêu chí "
        + missing["code"]
        + " ("
        + missing["name"]
        + ")"
    )
    if quarantine is not None and len(quarantine):
        held = record_id(missing).isin(quarantine["record_id"].dropna())
        text = text.where(~held, text + HELD_NOTE)
    return missing.assign(kind="missing_leaf", row=pd.NA, message=text)


def parent_sums(table: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Subtotals written in the file that differ from the sum of their leaves (both columns)."""
    key = table.assign(_date=table["as_of"].fillna(NO_DATE))
    parents = key[key["code"].isin(tree.loc[~tree["is_leaf"], "code"])]
    found = []
    for column in ("self_points", "appraised_points"):
        sums = rollup(key, tree, column, keys=("unit", "year", "_date"))[["unit", "year", "_date", "code", "points"]]
        given = parents[parents[column].notna()].merge(sums, on=["unit", "year", "_date", "code"])
        wrong = given[(given[column] - given["points"]).abs() > EPS]
        found.append(
            wrong.assign(
                kind="parent_sum",
                row=wrong["source_row"],
                message=wrong["source_file"]
                + ", dòng "
                + wrong["source_row"].astype("string")
                + ": "
                + _where(wrong)
                + f": {COLUMN_VI[column]} của tiêu chí "
                + wrong["code"]
                + " ghi "
                + compact_series(wrong[column])
                + " nhưng tổng các tiêu chí thành phần là "
                + compact_series(wrong["points"])
                + "; báo cáo dùng tổng các tiêu chí thành phần",
            )
        )
    return pd.concat(found, ignore_index=True).rename(columns={"source_file": "file"})


def max_mismatches(table: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Rows whose written maximum differs from the criteria set's."""
    rows = table[table["file_max_points"].notna()].merge(tree[["code", "max_points"]], on="code")
    wrong = rows[(rows["file_max_points"] - rows["max_points"]).abs() > EPS]
    return wrong.rename(columns={"source_file": "file"}).assign(
        kind="max_mismatch",
        row=wrong["source_row"],
        message=wrong["source_file"]
        + ", dòng "
        + wrong["source_row"].astype("string")
        + ": tiêu chí "
        + wrong["code"]
        + " ghi điểm tối đa "
        + compact_series(wrong["file_max_points"])
        + ", bộ tiêu chí năm "
        + wrong["year"].astype("string")
        + " là "
        + compact_series(wrong["max_points"]),
    )


def appraised_gaps(table: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Leaves without appraised points in an assessment that has appraised points elsewhere."""
    key = table.assign(_date=table["as_of"].fillna(NO_DATE))
    appraised = key["appraised_points"].notna().groupby([key["unit"], key["year"], key["_date"]]).transform("any")
    gaps = key[
        appraised.astype(bool) & key["appraised_points"].isna() & key["code"].isin(tree.loc[tree["is_leaf"], "code"])
    ]
    return gaps.rename(columns={"source_file": "file"}).assign(
        kind="appraised_missing",
        row=gaps["source_row"],
        message=gaps["source_file"]
        + ", dòng "
        + gaps["source_row"].astype("string")
        + ": "
        + _where(gaps)
        + ": tiêu chí "
        + gaps["code"]
        + " chưa có điểm thẩm định (các tiêu chí khác đã có)",
    )


def issues(table: pd.DataFrame, sets: dict[int, CriteriaSet], quarantine: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every validation issue of the processed scores, year by year against that year's criteria set."""
    found = []
    for year, criteria in sets.items():
        rows = table[table["year"] == year]
        if rows.empty:
            continue
        tree = criteria.tree
        found += [
            missing_leaves(rows, tree, quarantine),
            parent_sums(rows, tree),
            max_mismatches(rows, tree),
            appraised_gaps(rows, tree),
        ]
    found = [f for f in found if len(f)]
    if not found:
        return issue_frame()
    return issue_frame(pd.concat([f[ISSUE_COLUMNS] for f in found], ignore_index=True))
