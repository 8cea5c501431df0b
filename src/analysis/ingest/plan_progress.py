"""Progress log of the plan's tasks (``<raw>/plan_progress/*``): per unit, task and quarter, a status
(đã thực hiện / đang thực hiện / chưa thực hiện), the evidence (document number and date) and a note.

For the tasks no export measures (finance, inspections, disclosures, dialogues, ISO 9001 …). Read through the
analysts' sheet reader: a task id not in plan/tasks.csv, an unknown unit or status, a quarter that cannot be
read quarantine the row with the reason; the same unit, task and quarter twice with different entries
quarantines both.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.ingest.accounting import SourceResult
from analysis.ingest.analyst_sheet import EVIDENCE, NOTE, QUARTER, UNIT, Field, SheetSpec, parse_choice
from analysis.ingest.analyst_sheet import ingest as ingest_sheet
from analysis.reference import plan
from analysis.text import fold

SOURCE = "plan_progress"
STATUS = {"done": "Đã thực hiện", "in_progress": "Đang thực hiện", "not_started": "Chưa thực hiện"}
_SPELLINGS = {
    **{fold(v): k for k, v in STATUS.items()},
    "hoanthanh": "done",
    "dathuchienxong": "done",
    "dangtrienkhai": "in_progress",
    "chuatrienkhai": "not_started",
}


def _unknown_task(frame: pd.DataFrame) -> list[tuple[pd.Series, str, pd.Series]]:
    known = set(plan.tasks()["id"])
    bad = frame["task"].notna() & ~frame["task"].isin(known)
    return [(bad, "task", "nhiệm vụ không có trong Kế hoạch (plan/tasks.csv): '" + frame["task"].fillna("") + "'")]


SPEC = SheetSpec(
    source=SOURCE,
    fields=(
        UNIT,
        Field("task", "Mã nhiệm vụ", ("Nhiệm vụ", "Mã"), required=True),
        QUARTER,
        Field("status", "Tình trạng", ("Trạng thái", "Kết quả thực hiện"), parse_choice(_SPELLINGS), required=True),
        EVIDENCE,
        NOTE,
    ),
    key=("unit", "task", "period"),
    checks=_unknown_task,
    instructions=(
        "Mỗi dòng: một đơn vị, một nhiệm vụ của Kế hoạch 23/KH-UBND, một quý.",
        "Mã nhiệm vụ như trong data/reference/plan/tasks.csv (ví dụ II.2.3.a). Quý: 2024Q4 hoặc Quý IV/2024.",
        "Tình trạng: Đã thực hiện / Đang thực hiện / Chưa thực hiện. Văn bản chứng minh: số và ngày văn bản.",
    ),
)


def ingest(raw_dir: Path) -> SourceResult | None:
    return ingest_sheet(raw_dir, SPEC)
