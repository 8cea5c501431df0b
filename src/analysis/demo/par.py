"""Demo PAR INDEX score files (``<out>/par_index/demo_*``), deterministic, on the SAMPLE criteria sets.

- ``demo_par_2023.xlsx``: the city's 2023 summary sheet as the Interior Department would keep it — title rows,
  every unit, every field, criterion and sub-criterion with self-assessed and appraised points, subtotals, a
  signature footer. One subtotal is mistyped on purpose (Thạnh Tân, field 3) so the validation table has
  something to show.
- ``demo_par_2024_q1.csv`` … ``q4.csv``: each unit's 2024 self-assessment as it stands at the end of each
  quarter (UTF-8 with BOM, semicolons, decimal commas, as Excel saves them in Vietnamese), growing as evidence
  comes in: year-long criteria earn their points gradually, recovered criteria recover in some quarter.

Ninh Thạnh follows a written script (NINH_THANH_2023 / NINH_THANH_2024): it recovers some 2023 losses (1.3.3,
1.5.1, 2.2.3, 3.4.2, 3.4.3 -> 7.4.3, 5.3.2, 7.3.2, 8.3.1), still loses others (3.4.1, 3.6.2, 4.2.2, 5.4.3 ->
5.4.2, 6.1.2, 7.3.1 and the survey criteria), newly loses 7.1.2, and loses points on the new 5.4.3; 5.4.2 of
2023, where it lost 1.5 points, has no counterpart in 2024. The other units are drawn from a seeded generator.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.periods import Period
from analysis.reference import units
from analysis.reference.par import read_mapping, read_sets
from analysis.reference.par_tree import lineage

SOURCE = "par_index"
SEED = 2729
STEP = 0.25  # appraisal points are given in quarter points
PROGRESS = (0.5, 0.75, 0.9, 1.0)  # share of its final points a year-long criterion has earned by Q1..Q4
YEAR_LONG = ("1.1.2", "1.4.2", "2.4.2", "5.3.2", "6.1.1", "8.3.1")
SCRIPTED = "Ninh Thạnh"
# 2023 (2023 codes): appraised and self-assessed points where they differ from the maximum.
NINH_THANH_2023 = {  # code: (appraised, self-assessed)
    "1.3.3": (0.25, 0.25),
    "1.5.1": (0.0, 1.0),
    "2.2.3": (0.5, 0.5),
    "3.4.1": (1.5, 3.0),
    "3.4.2": (0.5, 0.5),
    "3.4.3": (0.5, 0.5),
    "3.6.2": (0.5, 0.5),
    "4.2.2": (0.5, 0.5),
    "5.3.2": (1.0, 1.0),
    "5.4.2": (0.0, 1.5),
    "5.4.3": (1.0, 1.0),
    "6.1.2": (0.5, 0.5),
    "7.3.1": (1.0, 2.0),
    "7.3.2": (0.5, 0.5),
    "8.3.1": (2.5, 2.5),
    "8.1.1": (2.31, 2.5),
    "8.1.2": (2.12, 2.5),
    "8.1.3": (2.40, 2.5),
    "8.1.4": (2.35, 2.5),
    "8.1.5": (1.78, 2.0),
    "8.2.1": (1.85, 2.0),
    "8.2.2": (1.70, 2.0),
    "8.2.3": (1.90, 2.0),
    "8.2.4": (1.75, 2.0),
}
# 2024 (2024 codes): self-assessed points at the end of Q1..Q4 where they differ from the maximum.
NINH_THANH_2024 = {
    "1.1.2": (0.75, 1.0, 1.25, 1.5),
    "1.4.2": (0.25, 0.5, 0.5, 0.75),
    "1.3.3": (0.25, 0.5, 0.75, 0.75),
    "1.5.1": (0.0, 0.0, 1.0, 1.0),
    "2.4.2": (0.25, 0.5, 0.5, 0.75),
    "3.4.1": (2.0, 2.25, 2.25, 2.25),
    "3.6.2": (0.5, 0.5, 0.5, 0.5),
    "4.2.2": (0.5, 0.5, 0.5, 0.5),
    "5.3.2": (0.75, 1.0, 1.25, 1.5),
    "5.4.2": (1.25, 1.25, 1.25, 1.25),
    "5.4.3": (0.75, 0.75, 0.75, 0.75),
    "6.1.1": (0.5, 0.75, 0.75, 1.0),
    "6.1.2": (0.5, 0.5, 0.5, 0.5),
    "7.1.2": (0.5, 0.5, 0.5, 0.5),
    "7.3.1": (1.25, 1.5, 1.5, 1.5),
    "7.3.2": (0.75, 1.0, 1.0, 1.0),
    "7.4.3": (0.5, 1.0, 1.0, 1.0),
    "8.3.1": (1.5, 2.25, 2.5, 3.0),
    "8.1.1": (2.42,) * 4,
    "8.1.2": (2.30,) * 4,
    "8.1.3": (2.45,) * 4,
    "8.1.4": (2.40,) * 4,
    "8.1.5": (1.85,) * 4,
    "8.2.1": (1.90,) * 4,
    "8.2.2": (1.80,) * 4,
    "8.2.3": (1.90,) * 4,
    "8.2.4": (1.85,) * 4,
}
TYPO = ("Thạnh Tân", "3", 0.5)  # unit, code, amount added to its appraised subtotal in the 2023 sheet


def _down(values: np.ndarray) -> np.ndarray:
    return np.floor(values / STEP + 1e-9) * STEP


def _scores_2023(leaves: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Appraised and self-assessed 2023 points of one generated unit, leaf by leaf."""
    top = leaves["max_points"].to_numpy(float)
    survey = (leaves["method"] == "survey").to_numpy()
    lost = rng.random(len(top)) < rng.uniform(0.15, 0.6)
    loss = np.clip(_down(top * rng.choice([0.25, 0.5, 0.75, 1.0], len(top), p=[0.4, 0.3, 0.15, 0.15])), STEP, top)
    appraised = np.where(lost, top - loss, top)
    ratio = rng.uniform(0.78, 0.97, len(top))
    appraised = np.where(survey, np.round(top * ratio, 2), appraised)
    self_points = np.where(lost & (rng.random(len(top)) < 0.45), top, appraised)
    self_points = np.where(
        survey, np.round(top * np.minimum(1, ratio + rng.uniform(0.02, 0.1, len(top))), 2), self_points
    )
    return pd.DataFrame({"code": leaves["code"].to_numpy(), "appraised": appraised, "self": self_points})


def _scores_2024(leaves: pd.DataFrame, before: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """Self-assessed 2024 points at the end of Q1..Q4 (columns q1..q4) of one generated unit.

    ``before`` = 2023 appraised points of each 2024 leaf's counterpart (NA for a new leaf)."""
    top = leaves["max_points"].to_numpy(float)
    survey = (leaves["method"] == "survey").to_numpy()
    base = before.to_numpy(float, na_value=np.nan)
    lost_before = np.nan_to_num(top - base, nan=0.0) > 1e-9
    recover = lost_before & (rng.random(len(top)) < 0.55)
    kept_loss = np.clip(_down((top - np.nan_to_num(base, nan=0.0)) * rng.uniform(0.3, 1.0, len(top))), STEP, top)
    newly = ~lost_before & (rng.random(len(top)) < np.where(np.isnan(base), 0.3, 0.04))
    final = np.where(lost_before & ~recover, top - kept_loss, top)
    final = np.where(newly, top - np.minimum(top, rng.choice([0.25, 0.5], len(top))), final)
    final = np.where(
        survey,
        np.round(np.minimum(top, np.nan_to_num(base, nan=top * 0.9) + rng.uniform(-0.02, 0.05, len(top)) * top), 2),
        final,
    )
    recovered_in = rng.integers(1, 5, len(top))
    year_long = leaves["code"].isin(YEAR_LONG).to_numpy()
    quarters = {}
    for q in range(1, 5):
        points = np.where(recover & (q < recovered_in), np.clip(np.nan_to_num(base, nan=top), 0, top), final)
        points = np.where(year_long & ~survey, _down(final * PROGRESS[q - 1]), points)
        noise = np.round(rng.uniform(0, 0.05, len(top)) * top, 2) if q < 4 else 0
        quarters[f"q{q}"] = np.where(survey, np.maximum(final - noise, 0), points)
    return pd.DataFrame({"code": leaves["code"].to_numpy(), **quarters})


def _scripted_2023(leaves: pd.DataFrame) -> pd.DataFrame:
    top = leaves.set_index("code")["max_points"].astype(float)
    given = pd.DataFrame(NINH_THANH_2023, index=["appraised", "self"]).T
    frame = pd.DataFrame({"appraised": top, "self": top})
    frame.loc[given.index, ["appraised", "self"]] = given.to_numpy()
    return frame.rename_axis("code").reset_index()


def _scripted_2024(leaves: pd.DataFrame) -> pd.DataFrame:
    top = leaves.set_index("code")["max_points"].astype(float)
    frame = pd.DataFrame({f"q{q}": top for q in range(1, 5)})
    given = pd.DataFrame(NINH_THANH_2024, index=[f"q{q}" for q in range(1, 5)]).T
    frame.loc[given.index, given.columns] = given.to_numpy()
    return frame.rename_axis("code").reset_index()


def _with_subtotals(leaf_points: pd.DataFrame, tree: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Every node of the tree, in its order, with each column summed from the leaves below it."""
    pairs = lineage(tree)[["ancestor", "code"]].merge(leaf_points, on="code")
    sums = pairs.groupby("ancestor")[columns].sum().round(2)
    nodes = tree[["code", "name", "max_points", "method", "is_leaf"]].copy()
    return nodes.join(sums, on="code")


def generate() -> dict[str, pd.DataFrame]:
    """The demo scores: "2023" (unit, code, name, max_points, self, appraised, evidence, ...) and "2024"
    (unit, code, ..., q1..q4), every node of each year's tree for every unit, subtotals included."""
    sets = read_sets()
    tree23, tree24 = sets[2023].tree, sets[2024].tree
    pairs = read_mapping(2023, 2024, sets)
    back = pairs.dropna(subset=["code_to"]).set_index("code_to")["code_from"]
    leaves23, leaves24 = tree23[tree23["is_leaf"]], tree24[tree24["is_leaf"]]
    rng = np.random.default_rng(SEED)
    years: dict[str, list[pd.DataFrame]] = {"2023": [], "2024": []}
    for unit in units.all_units():
        if unit.unit == SCRIPTED:
            first, second = _scripted_2023(leaves23), _scripted_2024(leaves24)
        else:
            first = _scores_2023(leaves23, rng)
            before = leaves24["code"].map(back).map(first.set_index("code")["appraised"])
            second = _scores_2024(leaves24, before.reset_index(drop=True), rng)
        years["2023"].append(_with_subtotals(first, tree23, ["appraised", "self"]).assign(unit=unit.display))
        years["2024"].append(_with_subtotals(second, tree24, ["q1", "q2", "q3", "q4"]).assign(unit=unit.display))
    return {year: pd.concat(frames, ignore_index=True) for year, frames in years.items()}


def _evidence_2023(frame: pd.DataFrame) -> pd.Series:
    note = pd.Series("Đủ tài liệu kiểm chứng", index=frame.index)
    note[frame["appraised"] < frame["max_points"] - 1e-9] = "Thiếu tài liệu kiểm chứng hoặc chưa đạt yêu cầu"
    note[frame["method"] == "survey"] = "Kết quả điều tra xã hội học năm 2023"
    return note.where(frame["is_leaf"], "")


def _evidence_2024(frame: pd.DataFrame, column: str, quarter: Period) -> pd.Series:
    note = pd.Series("Đủ tài liệu kiểm chứng", index=frame.index)
    short = frame[column] < frame["max_points"] - 1e-9
    note[short] = "Chưa đủ tài liệu kiểm chứng"
    note[short & frame["code"].isin(YEAR_LONG)] = f"Đang thực hiện; tài liệu kiểm chứng đến {quarter.last:%d/%m/%Y}"
    note[frame["method"] == "survey"] = f"Tự đánh giá theo khảo sát SIPAS của phường, {quarter.label_vi}"
    return note.where(frame["is_leaf"], "")


def _write_2023(frame: pd.DataFrame, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime(2024, 1, 15, 8, 0, 0), "author": "Chỉ số (demo)"})
    sheet = workbook.add_worksheet("Tổng hợp điểm 2023")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, ["ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH"], bold)
    sheet.write_row(1, 0, ["BẢNG TỔNG HỢP ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA UBND CÁC PHƯỜNG, XÃ"], bold)
    sheet.write_row(2, 0, ["(DỮ LIỆU MẪU — DEMO, bộ tiêu chí mẫu)"])
    header = [
        "STT",
        "Đơn vị",
        "Năm",
        "Mã tiêu chí",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Tài liệu kiểm chứng",
    ]
    sheet.write_row(4, 0, header, bold)
    evidence = _evidence_2023(frame)
    for offset, row in enumerate(frame.itertuples(index=False)):  # writing a demo file, ~1,300 rows
        line = 5 + offset
        sheet.write_number(line, 0, offset + 1)
        sheet.write_string(line, 1, row.unit)
        sheet.write_number(line, 2, 2023)
        sheet.write_string(line, 3, row.code)
        sheet.write_string(line, 4, row.name)
        for column, value in ((5, row.max_points), (6, row.self), (7, row.appraised)):
            sheet.write_number(line, column, float(value))
        if evidence.iloc[offset]:
            sheet.write_string(line, 8, evidence.iloc[offset])
    end = 5 + len(frame) + 1
    sheet.write_string(end, 1, "Người lập biểu")
    sheet.write_string(end, 6, "Trưởng phòng Nội vụ")
    workbook.close()


def _write_2024(frame: pd.DataFrame, quarter: Period, path: Path) -> None:
    column = f"q{quarter.number}"
    evidence = _evidence_2024(frame, column, quarter)

    def comma(values: pd.Series) -> pd.Series:
        return values.round(2).map(lambda v: f"{v:g}".replace(".", ","))

    label = f"Quý {('I', 'II', 'III', 'IV')[quarter.number - 1]}/{quarter.year}"
    rows = pd.DataFrame(
        {
            "Đơn vị": frame["unit"],
            "Năm": quarter.year,
            "Kỳ đánh giá": label,
            "Mã tiêu chí": frame["code"],
            "Tiêu chí": frame["name"],
            "Điểm tối đa": comma(frame["max_points"]),
            "Điểm tự đánh giá": comma(frame[column]),
            "Tài liệu kiểm chứng": evidence,
        }
    )
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(f"BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024 — {quarter.label_vi.upper()} (DỮ LIỆU MẪU — DEMO)\r\n")
        rows.to_csv(handle, sep=";", index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def write(out_dir: Path) -> list[Path]:
    """Write the demo score files under ``<out_dir>/par_index/`` and return their paths."""
    folder = out_dir / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    scores = generate()
    first = scores["2023"]
    typo_unit = units.find(TYPO[0])
    assert typo_unit is not None, f"{TYPO[0]} is not in units.csv"
    typo = (first["unit"] == typo_unit.display) & (first["code"] == TYPO[1])
    first.loc[typo, "appraised"] = first.loc[typo, "appraised"] + TYPO[2]
    written = [folder / "demo_par_2023.xlsx"]
    _write_2023(first, written[0])
    for number in range(1, 5):
        path = folder / f"demo_par_2024_q{number}.csv"
        _write_2024(scores["2024"], Period("quarter", 2024, number), path)
        written.append(path)
    return written
