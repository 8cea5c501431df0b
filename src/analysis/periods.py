"""Reporting periods: "2024Q1" (a quarter), "2024" (a year) or "2024-03" (a month) -> first and last day."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from analysis.errors import UserError

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
# Years a reporting period can be in: one-stop systems date from the 2000s; "0001" or "9999Q4" is a typing slip
# (and "0001" would name a folder reports/1/, 9999Q4 a last day no calendar arithmetic can step past).
YEARS = range(2000, 2101)


class PeriodError(UserError, ValueError):
    """A period label that cannot be read."""


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter" | "year" | "month"
    year: int
    number: int  # quarter 1-4, month 1-12, or 0 for a year

    @classmethod
    def parse(cls, text: str) -> Period:
        period = cls._parse(text)
        if period.year not in YEARS:
            raise PeriodError(f"period {text!r}: the year must be {YEARS.start}-{YEARS.stop - 1}")
        return period

    @classmethod
    def _parse(cls, text: str) -> Period:
        label = str(text).strip()
        if m := _QUARTER.match(label):
            return cls("quarter", int(m[1]), int(m[2]))
        if m := _MONTH.match(label):
            if not 1 <= int(m[2]) <= 12:
                raise PeriodError(f"period {text!r}: month must be 1-12")
            return cls("month", int(m[1]), int(m[2]))
        if _YEAR.match(label):
            return cls("year", int(label), 0)
        raise PeriodError(f"period {text!r} is not a quarter (2024Q1), a year (2024) or a month (2024-03)")

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def label_vi(self) -> str:
        if self.kind == "quarter":
            return f"Quý {_ROMAN[self.number]}/{self.year}"
        if self.kind == "month":
            return f"Tháng {self.number:02d}/{self.year}"
        return f"Năm {self.year}"

    @property
    def first(self) -> date:
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        if self.kind == "month":
            return date(self.year, self.number, 1)
        return date(self.year, 1, 1)

    @property
    def last(self) -> date:
        if self.kind == "quarter":
            month = 3 * self.number
        elif self.kind == "month":
            month = self.number
        else:
            month = 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def in_year(self, year: int) -> Period:
        """The same quarter/month in another year: the baseline of 2024Q1 is 2023Q1."""
        return Period(self.kind, year, self.number)

    def months(self) -> list[Period]:
        first, last = self.first.month, self.last.month
        return [Period("month", self.year, m) for m in range(first, last + 1)]

    def __str__(self) -> str:
        return self.label
