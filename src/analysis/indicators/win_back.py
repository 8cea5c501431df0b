"""The points worth winning back, across the four indices, in one currency: the share of that index's maximum.

From a unit's long-format rows:
- PAR INDEX: every leaf criterion below its maximum; lost = maximum − points; the index is scored out of the
  sum of its leaves' maxima (100).
- QĐ 766: every scored component below its maximum; lost = maximum − points; the index is out of 100 points.
- SIPAS: every criterion below the 95 % target; the overall index is the mean of the five groups, each the mean
  of its criteria, so a criterion short by g points moves the index (out of 100) by g / (5 × criteria in its
  group). Also: the satisfied answers needed, with the same number of answers, to be above 95 %.
- PAPI: every sub-dimension (else, when none has a score, every dimension) below the national median; a
  dimension is the sum of its sub-dimensions and PAPI is out of 80.
``share_of_max`` = lost ÷ the index's maximum × 100; rows sorted by it, largest first.
"""

from __future__ import annotations

import pandas as pd

from analysis.indicators.long import is_missing

SERVICE_MAX = 100.0  # QĐ 766/QĐ-TTg scores the index out of 100 points
PAPI_MAX = 80.0  # eight dimensions of 1–10
SIPAS_TARGET = 95.0
COLUMNS = [
    "index",
    "code",
    "name",
    "value",
    "target",
    "lost",
    "lost_unit",
    "share_of_max",
    "answers_needed",
    "owner",
    "deadline",
]


def _leaves(codes: pd.Series) -> pd.Series:
    """True for a code no other code continues ("5.4.2" is a leaf when nothing starts with "5.4.2.")."""
    listed = set(codes)
    return codes.map(lambda c: not any(o.startswith(f"{c}.") for o in listed))


def _par(rows: pd.DataFrame) -> list[dict]:
    scored = rows[(rows["code"] != "total") & rows["max_points"].notna() & rows["points"].notna()]
    leaves = scored[_leaves(scored["code"])]
    total = float(leaves["max_points"].sum())
    lost = leaves[leaves["points"] < leaves["max_points"] - 1e-9]
    return [
        dict(
            r,
            lost=float(r["max_points"] - r["points"]),
            lost_unit="điểm",
            share_of_max=100 * float(r["max_points"] - r["points"]) / total,
        )
        for _, r in lost.iterrows()
    ]


def _service(rows: pd.DataFrame) -> list[dict]:
    scored = rows[rows["max_points"].notna() & rows["points"].notna()]
    lost = scored[scored["points"] < scored["max_points"] - 1e-9]
    return [
        dict(
            r,
            lost=float(r["max_points"] - r["points"]),
            lost_unit="điểm",
            share_of_max=100 * float(r["max_points"] - r["points"]) / SERVICE_MAX,
        )
        for _, r in lost.iterrows()
    ]


def satisfied_needed(value: float, n: float, target: float = SIPAS_TARGET) -> int:
    """More satisfied answers, out of the same ``n``, to be strictly above ``target`` % (n = 41 -> 39 needed)."""
    satisfied = round(float(value) * float(n) / 100)
    needed = int(n) * int(round(target)) // 100 + 1
    return max(0, needed - satisfied)


def _sipas(rows: pd.DataFrame) -> list[dict]:
    criteria = rows[(rows["level"] == "criterion") & rows["value"].notna()]
    sizes = criteria["code"].str.split(".").str[0].value_counts()
    groups = max(1, int((rows["level"] == "group").sum()))
    short = criteria[criteria["value"] <= SIPAS_TARGET]  # the plan says "trên 95 %": 95 itself is short
    out = []
    for _, r in short.iterrows():
        gap = SIPAS_TARGET - float(r["value"])
        size = int(sizes[r["code"].split(".")[0]])
        out.append(
            dict(
                r,
                lost=gap,
                lost_unit="điểm %",
                share_of_max=gap / (groups * size),
                answers_needed=None if is_missing(r["n"]) else satisfied_needed(r["value"], r["n"]),
            )
        )
    return out


def _papi(rows: pd.DataFrame) -> list[dict]:
    for level in ("subdimension", "dimension"):
        scored = rows[(rows["level"] == level) & rows["value"].notna() & rows["target"].notna()]
        if len(scored):
            below = scored[scored["value"] < scored["target"]]
            return [
                dict(
                    r,
                    lost=float(r["target"] - r["value"]),
                    lost_unit="điểm",
                    share_of_max=100 * float(r["target"] - r["value"]) / PAPI_MAX,
                )
                for _, r in below.iterrows()
            ]
    return []


BY_INDEX = {"par": _par, "service": _service, "sipas": _sipas, "papi": _papi}


def table(
    rows: pd.DataFrame, deadlines: dict[tuple[str, str], str] | None = None, default_deadline: str = ""
) -> pd.DataFrame:
    """Every point worth winning back in ``rows`` (one unit, any indices), largest share of the maximum first.
    A row without an owner takes its index's headline owner; ``deadlines`` maps (index, code) to the plan's
    deadline for that component."""
    deadlines = deadlines or {}
    found = []
    for index, part in rows.groupby("index", sort=False):
        if index not in BY_INDEX:
            continue
        headline = part["owner"].dropna()
        fallback = headline.iloc[0] if len(headline) else None
        for entry in BY_INDEX[index](part.reset_index(drop=True)):
            entry["owner"] = fallback if is_missing(entry.get("owner")) else entry["owner"]
            entry["deadline"] = deadlines.get((index, entry["code"]), default_deadline)
            found.append(entry)
    out = pd.DataFrame(found, columns=COLUMNS) if found else pd.DataFrame(columns=COLUMNS)
    out = out[COLUMNS].astype({"lost": "float64", "share_of_max": "float64"})
    out["answers_needed"] = pd.to_numeric(out["answers_needed"]).astype("Int64")
    return out.sort_values(["share_of_max", "index", "code"], ascending=[False, True, True]).reset_index(drop=True)
