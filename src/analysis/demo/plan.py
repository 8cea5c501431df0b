"""Demo analyst sheets for the plan (``<out>/plan_progress/demo_*``, ``<out>/manual_figures/demo_*``).

- ``demo_plan_progress_2024.xlsx``: every unit's quarterly progress on the plan's tasks that no export measures
  (and a few that one does), as a ward office would log it: most tasks done by their deadline with a document
  number, some still in progress, a few not started, some quarters not reported at all. Ninh Thạnh leaves
  II.1.3.b (tự chủ tài chính) and II.2.4.c (chuyển đổi vị trí công tác) unfinished and never reports II.1.4.a.
- ``demo_manual_figures_2024.xlsx``: quarterly figures reported by hand — "1" procedures published on the
  portal of those under the ward's authority, "5.1" citizens' feedback answered of feedback received.
Deterministic (seeded); the figures are invented and every report built from them says DỮ LIỆU MẪU.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ingest import manual_figures, plan_progress
from analysis.reference import plan, units

SEED = 23
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
YEAR = 2024
SCRIPTED = {
    ("Ninh Thạnh", "II.1.3.b"): "in_progress",
    ("Ninh Thạnh", "II.2.4.c"): "not_started",
    ("Ninh Thạnh", "II.1.4.a"): None,
}


def progress_rows(rng: np.random.Generator) -> list[dict]:
    tasks = plan.tasks()
    rows = []
    for unit in units.all_units():
        for task in tasks.itertuples():
            for quarter in range(1, 5):
                scripted = SCRIPTED.get((unit.unit, task.id), "unset")
                if scripted is None or rng.random() < 0.12:
                    continue  # not reported this quarter
                due_quarter = 5 if pd.isna(task.due) else (task.due.month - 1) // 3 + 1
                if scripted != "unset":
                    status = scripted
                elif pd.isna(task.due):  # recurring: done most quarters
                    status = "done" if rng.random() < 0.8 else "in_progress"
                elif quarter >= due_quarter or rng.random() < 0.35:
                    status = "done" if rng.random() < 0.9 else "in_progress"
                else:
                    status = "in_progress" if rng.random() < 0.8 else "not_started"
                day = int(rng.integers(1, 28))
                evidence = (
                    f"Số {int(rng.integers(10, 250))}/BC-UBND ngày {day:02d}/{3 * quarter:02d}/{YEAR}"
                    if status == "done"
                    else None
                )
                rows.append(
                    {
                        "unit": unit.display,
                        "task": task.id,
                        "period": f"Quý {ROMAN[quarter]}/{YEAR}",
                        "status": plan_progress.STATUS[status],
                        "evidence": evidence,
                        "note": None,
                    }
                )
    return rows


def figure_rows(rng: np.random.Generator) -> list[dict]:
    rows = []
    for unit in units.all_units():
        procedures = int(rng.integers(110, 140))
        for quarter in range(1, 5):
            published = min(procedures, int(procedures * rng.uniform(0.72, 0.97)))
            received = int(rng.integers(3, 15))
            rows.append(
                {
                    "unit": unit.display,
                    "period": f"{YEAR}Q{quarter}",
                    "code": "1",
                    "numerator": published,
                    "denominator": procedures,
                    "evidence": f"Báo cáo công khai TTHC quý {quarter}/{YEAR}",
                }
            )
            rows.append(
                {
                    "unit": unit.display,
                    "period": f"{YEAR}Q{quarter}",
                    "code": "5.1",
                    "numerator": int(rng.integers(max(0, received - 3), received + 1)),
                    "denominator": received,
                    "evidence": f"Sổ theo dõi phản ánh, kiến nghị quý {quarter}/{YEAR}",
                }
            )
    return rows


def write(out: Path) -> list[Path]:
    from analysis.ingest.analyst_sheet import write_template

    rng = np.random.default_rng(SEED)
    return [
        write_template(
            plan_progress.SPEC, Path(out) / plan_progress.SOURCE / f"demo_plan_progress_{YEAR}.xlsx", progress_rows(rng)
        ),
        write_template(
            manual_figures.SPEC,
            Path(out) / manual_figures.SOURCE / f"demo_manual_figures_{YEAR}.xlsx",
            figure_rows(rng),
        ),
    ]
