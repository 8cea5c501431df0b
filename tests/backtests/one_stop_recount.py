"""The service figures of one unit and quarter recounted by hand from the demo's printed xlsx exports, with
openpyxl and the rules written out here — a second method beside ``ingest.one_stop`` + ``timeliness.classify``.

The rules are those of issue 8 §1 (Biểu II.06a and QĐ 766), on calendar days:
- statuses 1 (Mới đăng ký) and 3 (Không được tiếp nhận) count nowhere;
- "resolved" (06a.7–06a.10) needs a result: status 9/10 with a return date in the quarter;
- a dossier not returned by the quarter's last day is open there unless it was withdrawn or stopped (7/8)
  by then; it is overdue (06a.13) when its due date is before the last day — except a status-9 dossier whose
  result was ready (finished) by its due date, which waits for the citizen and is not late;
- late for the citizen = resolved late (06a.10) + overdue (06a.13); apology missing = late for the citizen
  without "Có"/"x" in the apology column (no column: unknown);
- QĐ 766 (2.1): a dossier is judged at its end of processing (finished, else returned, else for 7/8 the
  received day), or at the quarter's last day when not ended by then; late when that day is after the due
  date, or when it had more than one supplement request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

STATUS = {
    "Mới đăng ký": 1,
    "Được tiếp nhận": 2,
    "Không được tiếp nhận": 3,
    "Đang xử lý": 4,
    "Yêu cầu bổ sung giấy tờ": 5,
    "Yêu cầu thực hiện nghĩa vụ tài chính": 6,
    "Công dân yêu cầu rút hồ sơ": 7,
    "Dừng xử lý": 8,
    "Đã xử lý xong": 9,
    "Đã trả kết quả": 10,
}
# header -> field, for the two printed templates the demo writes as xlsx (FULL for Ninh Thạnh, BASIC else);
# yes/no cells are "Có" (FULL) or "x" (BASIC), blank for no
HEADERS = {
    "Mã hồ sơ": "id",
    "Tên thủ tục hành chính": "procedure",
    "Tên thủ tục": "procedure",
    "Ngày tiếp nhận": "received",
    "Ngày hẹn trả": "due",
    "Ngày hẹn trả kết quả": "due",
    "Ngày kết thúc xử lý": "finished",
    "Ngày hoàn thành": "finished",
    "Ngày trả kết quả": "returned",
    "Ngày trả": "returned",
    "Trạng thái": "status",
    "Số lần yêu cầu bổ sung": "supplements",
    "Phiếu xin lỗi": "apology",
}
EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass(frozen=True)
class Dossier:
    id: str
    procedure: str
    status: int
    received: date
    due: date | None
    finished: date | None
    returned: date | None
    supplements: int
    apology: bool | None  # None: the export has no apology column


def _day(cell: object) -> date | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    return (EXCEL_EPOCH + timedelta(days=float(cell))).date()  # an Excel serial number


def read_export(path: Path) -> list[tuple]:
    """The dossier rows of one printed export: (field -> cell) below the header row, up to the first row
    without a dossier id (the footer)."""
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if "Mã hồ sơ" in row)
    fields = [HEADERS.get(str(h)) for h in rows[at]]
    found = []
    for row in rows[at + 1 :]:
        record = {f: v for f, v in zip(fields, row) if f}
        if not record.get("id"):
            break
        found.append(tuple(sorted(record.items())))
    return found


def dossiers(paths: list[Path]) -> list[Dossier]:
    """Every dossier of these exports once: a row repeated with the same cells is one dossier; an id whose
    copies differ is left out (the export contradicts itself)."""
    copies: dict[str, set[tuple]] = {}
    for path in paths:
        for record in read_export(path):
            copies.setdefault(dict(record)["id"], set()).add(record)
    found = []
    for versions in copies.values():
        if len(versions) != 1:
            continue
        r = dict(next(iter(versions)))
        found.append(
            Dossier(
                str(r["id"]),
                str(r["procedure"]),
                STATUS[r["status"]],
                _day(r["received"]),
                _day(r.get("due")),
                _day(r.get("finished")),
                _day(r.get("returned")),
                int(r.get("supplements") or 0),
                (r["apology"] in ("Có", "x")) if "apology" in r else None,
            )
        )
    return found


@dataclass(frozen=True)
class Quarter:
    first: date
    last: date


def counted(d: Dossier) -> bool:
    return d.status not in (1, 3)


def end_of_processing(d: Dossier) -> date | None:
    if d.finished:
        return d.finished
    if d.returned:
        return d.returned
    return d.received if d.status in (7, 8) else None


def in_form(d: Dossier, q: Quarter) -> bool:
    """In the II.06a table: received in the quarter, or before it and neither returned nor closed (7/8)
    before its first day."""
    if not counted(d) or d.received > q.last:
        return False
    if d.received >= q.first:
        return True
    end = end_of_processing(d)
    closed_before = d.status in (7, 8) and end is not None and end < q.first
    return not (d.returned and d.returned < q.first) and not closed_before


def returned_late(d: Dossier, q: Quarter) -> bool:
    """06a.10: a result (status 9/10) returned in the quarter after its due date."""
    return (
        in_form(d, q)
        and d.status in (9, 10)
        and d.returned is not None
        and q.first <= d.returned <= q.last
        and d.due is not None
        and d.returned > d.due
    )


def overdue(d: Dossier, q: Quarter) -> bool:
    """06a.13: open at the quarter's last day with its due date before it; a status-9 result ready by the due
    date only waits for the citizen."""
    if not in_form(d, q) or d.due is None:
        return False
    if d.returned is not None and d.returned <= q.last:
        return False
    end = end_of_processing(d)
    if d.status in (7, 8) and end is not None and end <= q.last:
        return False
    if d.status == 9 and d.finished is not None and d.finished <= q.last and d.finished <= d.due:
        return False
    return d.due < q.last


def late_for_citizen(d: Dossier, q: Quarter) -> bool:
    return returned_late(d, q) or overdue(d, q)


def apology_missing(d: Dossier, q: Quarter) -> bool | None:
    """True / False for a dossier late for the citizen; None when the export does not say."""
    return None if d.apology is None else not d.apology


def judged_766(d: Dossier, q: Quarter) -> bool:
    """2.1's population: received in the quarter, or before it and not ended before its first day; with a due date."""
    if not counted(d) or d.received > q.last or d.due is None:
        return False
    end = end_of_processing(d)
    return d.received >= q.first or not (end is not None and end < q.first)


def late_766(d: Dossier, q: Quarter) -> bool:
    end = end_of_processing(d)
    judged_on = end if end is not None and end <= q.last else q.last
    return judged_766(d, q) and (judged_on > d.due or d.supplements > 1)


@dataclass(frozen=True)
class Figures:
    late_for_citizen: int
    returned_late: int
    overdue: int
    apology_missing: int | None
    late_766: int
    judged_766: int
    by_procedure: dict[str, tuple[int, int]]  # procedure -> (late for the citizen, late by QĐ 766), any late

    @property
    def on_time_share(self) -> float:
        return (self.judged_766 - self.late_766) / self.judged_766 * 100


def figures(all_dossiers: list[Dossier], q: Quarter) -> Figures:
    citizen = [d for d in all_dossiers if late_for_citizen(d, q)]
    answers = [apology_missing(d, q) for d in citizen]
    by_procedure: dict[str, tuple[int, int]] = {}
    for d in all_dossiers:
        c, l766 = late_for_citizen(d, q), late_766(d, q)
        if c or l766:
            before = by_procedure.get(d.procedure, (0, 0))
            by_procedure[d.procedure] = (before[0] + c, before[1] + l766)
    return Figures(
        late_for_citizen=len(citizen),
        returned_late=sum(returned_late(d, q) for d in all_dossiers),
        overdue=sum(overdue(d, q) for d in all_dossiers),
        apology_missing=None if None in answers else sum(bool(a) for a in answers),
        late_766=sum(late_766(d, q) for d in all_dossiers),
        judged_766=sum(judged_766(d, q) for d in all_dossiers),
        by_procedure=by_procedure,
    )
