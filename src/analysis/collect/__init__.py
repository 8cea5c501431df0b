"""The I/O edge of the indicators: read processed tables and reference files, call the pure functions.

One module per index, each with ``rows(processed: Path, period: Period) -> long-format frame`` for every unit;
``all_rows`` puts them together for the CLI and the batch, ``write_indicators`` writes them for the
Interior Department (CSV that Excel opens with Vietnamese intact, and an xlsx with a legend).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from collections.abc import Callable

import pandas as pd

from analysis.collect import papi, par, service, sipas
from analysis.indicators.long import LONG_COLUMNS, STATUS_VI, concat_long
from analysis.periods import Period
from analysis.schemas import LONG

# Index -> its ``rows(processed, period)``, in the order the indicator table lists them.
INDEXES: dict[str, Callable[[Path, Period], pd.DataFrame]] = {
    "service": service.rows,
    "sipas": sipas.rows,
    "papi": papi.rows,
    "par": par.rows,
}

COLUMN_VI = {
    "period": "Kỳ", "unit": "Đơn vị", "index": "Chỉ số", "code": "Mã", "name": "Tên chỉ tiêu", "level": "Cấp",
    "value": "Giá trị", "measure": "Đơn vị đo", "max_points": "Điểm tối đa", "points": "Điểm",
    "baseline": "Số liệu năm gốc", "baseline_period": "Kỳ gốc", "target": "Chỉ tiêu kế hoạch",
    "gap_to_target": "Còn thiếu so với chỉ tiêu", "change_vs_baseline": "Thay đổi so với gốc",
    "status": "Trạng thái (mã)", "n": "Số quan sát (n)", "ci_low": "Khoảng tin cậy 95% - dưới",
    "ci_high": "Khoảng tin cậy 95% - trên", "owner": "Người phụ trách (theo KH 23/KH-UBND)", "note": "Ghi chú",
}


def all_rows(processed: Path, period: Period) -> pd.DataFrame:
    """Every index's long-format rows for every unit, checked against the long-format contract."""
    return LONG.check(concat_long([rows(Path(processed), period) for rows in INDEXES.values()]))


def with_status_vi(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.insert(LONG_COLUMNS.index("status") + 1, "status_vi", out["status"].map(STATUS_VI).astype("string"))
    return out


def write_indicators(frame: pd.DataFrame, folder: Path) -> None:
    """indicators.csv (UTF-8 with BOM, so Excel shows Vietnamese) and indicators.xlsx with a legend sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    table = with_status_vi(frame)
    table.to_csv(folder / "indicators.csv", index=False, encoding="utf-8-sig")
    legend = pd.DataFrame({"Cột": list(COLUMN_VI) + ["status_vi"],
                           "Ý nghĩa": list(COLUMN_VI.values()) + ["Trạng thái (tiếng Việt)"]})
    statuses = pd.DataFrame({"Mã trạng thái": list(STATUS_VI), "Ý nghĩa": list(STATUS_VI.values())})
    with pd.ExcelWriter(folder / "indicators.xlsx", engine="xlsxwriter") as writer:
        # A fixed creation date keeps the file identical when rebuilt from the same inputs.
        writer.book.set_properties({"title": "Chỉ số — bảng chỉ tiêu", "created": datetime(2024, 1, 1)})
        table.to_excel(writer, sheet_name="chi_tieu", index=False)
        legend.to_excel(writer, sheet_name="giai_thich", index=False)
        statuses.to_excel(writer, sheet_name="giai_thich", index=False, startrow=len(legend) + 2)
        writer.sheets["chi_tieu"].freeze_panes(1, 0)
        writer.sheets["chi_tieu"].autofilter(0, 0, len(table), len(table.columns) - 1)
