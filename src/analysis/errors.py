"""The one kind of error a user can fix: the CLI prints it as one line and exits with status 2, no traceback.

Every layer raises a subclass (an unreadable export, a broken reference file, an unknown period, unit or
notebook); the message names the file, the row or column and what is wrong.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem in the user's input or settings, told in one line."""


class IngestError(UserError):
    """An export that cannot be used at all; the message is for the analyst, no traceback needed."""


class ReferenceFileError(UserError):
    """A reference file under data/reference/ that cannot be used: names file, row, column and the problem."""

    def __init__(self, file: object, problem: str, *, row: int | None = None, column: str | None = None):
        where = ", ".join(
            part for part in (f"row {row}" if row is not None else "", f"column {column!r}" if column else "") if part
        )
        super().__init__(f"{file}{': ' + where if where else ''}: {problem}")
        self.file, self.row, self.column, self.problem = file, row, column, problem

    def __reduce__(self):  # raised in a batch worker, it is pickled back to the batch whole
        return (_reference_file_error, (self.file, self.problem, self.row, self.column))


def _reference_file_error(file: object, problem: str, row: int | None, column: str | None) -> ReferenceFileError:
    return ReferenceFileError(file, problem, row=row, column=column)
