"""Row accounting for one source: every raw row is ingested, quarantined with a reason, or a duplicate."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from analysis.readers.cells import text_column
from analysis.readers.scrub import quoted
from analysis.store.schemas import QUARANTINE

MAX_QUOTED = 60  # characters of a bad value quoted in a reason


@dataclass
class FileAccount:
    file: str  # path relative to the raw folder, with forward slashes
    source: str
    sheet: str = ""
    header_row: int | None = None  # 1-based, as in Excel
    sha256: str = ""
    demo: bool = False
    rows_read: int = 0
    rows_ingested: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    lines_skipped: int = 0  # non-blank lines below the header that are not records (footer, subtotal, group)
    blank_lines: int = 0  # blank lines below the header: neither read nor skipped
    columns: dict[str, str] = field(default_factory=dict)  # header as written -> field
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts for the data-quality report (e.g. unknown unit names)
    skipped_lines: list[dict] = field(default_factory=list)  # {"row", "kind", "text"} (text scrubbed), first 50
    personal_masked: dict[str, int] = field(default_factory=dict)  # kind (scrub.PATTERNS) -> values masked
    doubtful_dates: int = 0  # ingested rows whose dates cannot all be true (left out of timeliness figures)

    def check(self) -> None:
        """Every non-blank line under the header is a record (ingested, quarantined, duplicate) or skipped."""
        total = self.rows_ingested + self.rows_quarantined + self.rows_duplicate + self.lines_skipped
        if total != self.rows_read:
            raise AssertionError(f"{self.file}: rows_read {self.rows_read} != {total} accounted for")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SourceResult:
    source: str
    table: pd.DataFrame
    quarantine: pd.DataFrame
    files: list[FileAccount]


def settle(accounts: list[FileAccount], files: pd.Series, held: pd.Series, duplicate: pd.Series) -> None:
    """Each file's rows ingested, quarantined (``held``) and duplicate, from the source's combined frame
    (``files`` = each row's file), checked against rows_read."""
    for account in accounts:
        mine = files == account.file
        account.rows_quarantined = int((mine & held).sum())
        account.rows_duplicate = int((mine & ~held & duplicate).sum())
        account.rows_ingested = int((mine & ~held & ~duplicate).sum())
        account.check()


def is_demo_file(path: Path) -> bool:
    """Demo exports are written as ``demo_*``; a report built from any of them says so on every page."""
    return path.name.lower().startswith("demo")


def quarantine_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    for column in QUARANTINE.columns:
        if column not in frame:
            frame[column] = None
    frame = frame[list(QUARANTINE.columns)].astype({c: t for c, t in QUARANTINE.columns.items() if c != "row"})
    frame["row"] = pd.to_numeric(frame["row"]).astype("Int64")
    return frame.reset_index(drop=True)


def relative_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


class RowProblems:
    """Why rows are quarantined: the first problem's column and value, every reason joined by "; "."""

    def __init__(self, index: pd.Index):
        self.reason = pd.Series(pd.NA, index=index, dtype="string")
        self.column = pd.Series(pd.NA, index=index, dtype="string")
        self.value = pd.Series(pd.NA, index=index, dtype="string")

    def add(self, mask: pd.Series, column: str, reason: str | pd.Series, value: pd.Series | None = None) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        first = mask & self.reason.isna()
        self.column[first] = column
        if value is not None:
            self.value[first] = value[first].str.slice(0, MAX_QUOTED)
        reason = reason[mask] if isinstance(reason, pd.Series) else pd.Series(reason, index=mask.index)[mask]
        self.reason[mask] = (self.reason[mask] + "; " + reason).fillna(reason)

    def add_bad_value(
        self, bad: pd.Series, cells: pd.Series, problem: str, label: str, categorical: bool = False
    ) -> None:
        """ "<problem>: '<value>' (cột '<label>')" for every bad cell, e.g. "ngày tiếp nhận không đọc được".
        The value is quoted through ``scrub.quoted`` (masked where it may hold a name)."""
        if not bad.any():
            return
        shown = quoted(text_column(cells[bad]), categorical).reindex(cells.index)
        self.add(bad, label, f"{problem}: '" + shown.str.slice(0, MAX_QUOTED) + f"' (cột '{label}')", shown)
