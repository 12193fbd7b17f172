"""Every row of an export as text with its physical line (CSV/TSV) or sheet row (XLSX), header rows included.

Exports put preambles and several header rows above their data, so the whole file is read as rows
first and the tool's recognisers decide which rows are headers. Cells are text (None when empty);
the first cell loses a byte-order mark; a cell protected from Excel with a leading `'` keeps it
here (the adapters strip it where a value is read).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..readers import FileError, _cell_text, detect_delimiter, detect_encoding

HEAD_ROWS = 40


@dataclass
class RawTable:
    rows: list[tuple[int, list[str | None]]]   # (physical line or sheet row, cells); blank rows kept as []
    encoding: str
    delimiter: str
    kind: str                                  # "csv" or "xlsx"


def _clean(cells: list[str]) -> list[str | None]:
    return [c if c is not None and c.strip() != "" else None for c in cells]


def read_csv_rows(path: Path, limit: int | None = None) -> RawTable:
    """Every row (or the first `limit`: then the encoding is judged from the file's head only)."""
    encoding = detect_encoding(path, head_only=limit is not None)
    with open(path, "r", encoding=encoding, errors="strict" if limit is None else "replace", newline="") as fh:
        head = fh.read(65536)
        lines = [ln for ln in re.split(r"\r\n|\n|\r", head.lstrip("\ufeff")) if ln.strip()]
        delimiter = detect_delimiter(*lines[:20])
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter)
        rows = []
        while limit is None or len(rows) < limit:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise FileError(f"line {start} cannot be parsed as CSV ({exc}): export the file again")
            if not rows and fields and fields[0].startswith("\ufeff"):
                fields[0] = fields[0][1:]
            rows.append((start, _clean(fields) if any(f.strip() for f in fields) else []))
    return RawTable(rows, encoding, delimiter, "csv")


def read_xlsx_rows(path: Path, limit: int | None = None) -> RawTable:
    import zipfile

    import openpyxl

    if not zipfile.is_zipfile(path):
        raise FileError("the file is not an Excel workbook (.xlsx): save it again as .xlsx or CSV")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged workbooks
        raise FileError(f"the workbook cannot be opened ({type(exc).__name__}: {exc}): save it again as .xlsx")
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if limit is not None and len(rows) >= limit:
                break
            cells = [_cell_text(v) for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append((number, cells))
    finally:
        book.close()
    return RawTable(rows, "xlsx", "", "xlsx")


def read_rows(path: Path, limit: int | None = None) -> RawTable | None:
    """The rows of a CSV/TSV/TXT or XLSX file; None for other kinds (Parquet is never an export)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return read_csv_rows(Path(path), limit)
    if suffix == ".xlsx":
        return read_xlsx_rows(Path(path), limit)
    return None
