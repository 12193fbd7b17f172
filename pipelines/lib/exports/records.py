"""What an export adapter hands the loader: canonical records that may come pre-judged.

A record is checked by the contract like any canonical row, unless the adapter already knows it:
- `reject_code`/`reject_reason`: the tool marks the row as not a real answer (a preview, a guest...):
  the loader puts it in quarantine with that reason, without checking it further;
- `member_of`: a further export row of the same canonical row (a second join segment of one
  attendance): it is loaded or rejected with the record it belongs to (the 1-based position of
  that record in the file's list), and adds no row of its own;
- `count_only`: a row that is read and counts as loaded but gives no canonical row (the coach's
  own rows of an attendance report).
`row` is always the export's physical line, so several records may share it (a wide survey row
gives one record per answer).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ExportRecord:
    row: int
    fields: list
    reject_code: str | None = None
    reject_reason: str | None = None
    reject_column: str | None = None
    member_of: int | None = None
    count_only: bool = False


def rejected(row: int, fields: list, code: str, reason: str, column: str = "") -> ExportRecord:
    return ExportRecord(row, fields, reject_code=code, reject_reason=reason, reject_column=column)
