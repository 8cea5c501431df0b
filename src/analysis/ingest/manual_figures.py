"""Quarterly figures a unit reports by hand (``<raw>/manual_figures/*``) for targets no export can fill:
disclosures made, procedures published on the portal, complaints received and answered …

One row per unit, quarter and component code (QĐ 766 "1", "1.1", "5.1" …): a numerator, an optional
denominator (then the figure is numerator ÷ denominator × 100 %), the evidence and a note. A negative or
unreadable number, a numerator above its denominator, a zero denominator, an unknown unit quarantine the row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.ingest.accounting import SourceResult
from analysis.ingest.analyst_sheet import EVIDENCE, NOTE, QUARTER, UNIT, Field, SheetSpec, parse_number
from analysis.ingest.analyst_sheet import ingest as ingest_sheet

SOURCE = "manual_figures"


def _consistent(frame: pd.DataFrame) -> list[tuple[pd.Series, str, str]]:
    return [
        (frame["denominator"] == 0, "denominator", "mẫu số bằng 0"),
        (frame["numerator"] > frame["denominator"], "numerator", "tử số lớn hơn mẫu số"),
    ]


SPEC = SheetSpec(
    source=SOURCE,
    fields=(
        UNIT,
        QUARTER,
        Field("code", "Mã chỉ tiêu", ("Mã", "Chỉ tiêu"), required=True),
        Field("numerator", "Tử số (số đạt)", ("Tử số", "Số lượng"), parse_number, required=True),
        Field("denominator", "Mẫu số (tổng số)", ("Mẫu số", "Tổng số"), parse_number),
        EVIDENCE,
        NOTE,
    ),
    key=("unit", "period", "code"),
    checks=_consistent,
    instructions=(
        "Mỗi dòng: một đơn vị, một quý, một chỉ tiêu (mã theo QĐ 766, ví dụ 1, 1.1, 5.1).",
        "Tử số: số đạt (ví dụ số TTHC đã công khai); Mẫu số: tổng số (ví dụ số TTHC thuộc thẩm quyền). Không có "
        "mẫu số thì giá trị là tử số.",
        "Quý: 2024Q4 hoặc Quý IV/2024. Văn bản chứng minh: số và ngày văn bản.",
    ),
)


def ingest(raw_dir: Path) -> SourceResult | None:
    return ingest_sheet(raw_dir, SPEC)
