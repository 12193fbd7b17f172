"""Read a landing file (CSV, XLSX, Parquet) as text, whatever its encoding and delimiter.

Every reader yields the header and then batches of records; each record carries
its row number (docs/loading.md, "Row numbers": the physical line where a CSV record starts,
the sheet row for xlsx, the 1-based record index for Parquet) and its fields as
text (None for an empty cell). A record whose field count differs from the
header's is passed on as it is: the loader rejects it as malformed.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

TABLE_EXTENSIONS = {".csv", ".tsv", ".xlsx", ".parquet"}
BATCH_ROWS = 50_000
csv.field_size_limit(1 << 30)


class FileError(Exception):
    """The file cannot be read as a table; the message tells a person what to fix."""


@dataclass
class Record:
    row: int
    fields: list


@dataclass
class TableFile:
    header: list[str]          # normalised column names (unique)
    original_header: list[str]  # as written in the file
    batches: Iterator[list[Record]]
    encoding: str = ""
    delimiter: str = ""
    adapter: str = ""           # the vendor export (tool and variant) mapped onto the canonical columns, if any
    note: str = ""              # what the manifest says about how that export's rows are counted
    family: str = ""            # the export's tool family: survey, booking or attendance


def normalise_header(name: str) -> str:
    """NFKC, straight quotes, trimmed, collapsed spaces, case-folded."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().casefold()


def _unique_header(names: list) -> tuple[list[str], list[str]]:
    original = ["" if n is None else str(n) for n in names]
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(original):
        norm = normalise_header(name) or f"column_{i + 1}"
        if norm in seen:
            seen[norm] += 1
            norm = f"{norm}_{seen[norm]}"
        else:
            seen[norm] = 1
        out.append(norm)
    return out, original


def duplicated_columns(original_header: list[str]) -> list[str]:
    names = [normalise_header(n) for n in original_header if normalise_header(n)]
    return sorted({n for n in names if names.count(n) > 1})


# --- encoding -----------------------------------------------------------------

HEAD_BYTES = 65536


def detect_encoding(path: Path, head_only: bool = False) -> str:
    """utf-8-sig, utf-8, utf-16 (BOM or NUL bytes) or cp1252; FileError when none fits. `head_only` judges from
    the first 64 KiB alone (to recognise a file without reading all of it; a character cut at its end is fine)."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    elif b"\x00" in head:
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        if odd_nuls > even_nuls and odd_nuls >= len(head) // 8:
            return "utf-16-le"
        if even_nuls > odd_nuls and even_nuls >= len(head) // 8:
            return "utf-16-be"
        raise FileError("the file holds binary data, not text: export it again as CSV")
    else:
        encoding = "utf-8"
    if _decodes(path, encoding, head_only):
        return encoding
    if _decodes(path, "cp1252", head_only):
        return "cp1252"
    raise FileError("the file cannot be decoded as UTF-8, UTF-16 or Windows-1252: save it again as UTF-8 CSV")


def _decodes(path: Path, encoding: str, head_only: bool = False) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as fh:
        try:
            if head_only:
                decoder.decode(fh.read(HEAD_BYTES))
                return True
            while chunk := fh.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_delimiter(*lines: str) -> str:
    """The most frequent of comma, semicolon and tab outside quotes over the given lines (each line's quoting
    counted on its own; ties go to comma)."""
    counts = {",": 0, ";": 0, "\t": 0}
    for line in lines:
        in_quotes = False
        for ch in line:
            if ch == '"':
                in_quotes = not in_quotes
            elif not in_quotes and ch in counts:
                counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


# --- CSV ----------------------------------------------------------------------

def _is_blank(fields: list) -> bool:
    return not fields or (len(fields) == 1 and not fields[0].strip())


def read_csv(path: Path, batch_rows: int = BATCH_ROWS) -> TableFile:
    encoding = detect_encoding(path)
    fh = open(path, "r", encoding=encoding, newline="")
    text_start = fh.read(65536)
    if text_start.startswith("\ufeff"):
        text_start = text_start[1:]
    first_line = next((ln for ln in re.split(r"\r\n|\n|\r", text_start) if ln.strip()), "")
    if not first_line:
        fh.close()
        raise FileError("the file is empty (no header line): export it again with a header row")
    delimiter = detect_delimiter(first_line)
    fh.seek(0)  # the utf-8-sig and utf-16 codecs strip the BOM
    reader = csv.reader(fh, delimiter=delimiter)
    header_fields = None
    try:
        while header_fields is None:
            fields = next(reader)
            if not _is_blank(fields):
                header_fields = fields
    except StopIteration:
        fh.close()
        raise FileError("the file is empty (no header line): export it again with a header row")
    except csv.Error as exc:
        fh.close()
        raise FileError(f"the header line cannot be parsed as CSV: {exc}")
    if header_fields and header_fields[0].startswith("\ufeff"):
        header_fields[0] = header_fields[0][1:]
    header, original = _unique_header(header_fields)

    def batches() -> Iterator[list[Record]]:
        batch: list[Record] = []
        try:
            while True:
                start = reader.line_num + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    batch.append(Record(start, [f"<unparseable: {exc}>"]))
                    continue
                if _is_blank(fields):
                    continue
                batch.append(Record(start, [f if f != "" else None for f in fields]))
                if len(batch) >= batch_rows:
                    yield batch
                    batch = []
            if batch:
                yield batch
        finally:
            fh.close()

    return TableFile(header, original, batches(), encoding, delimiter)


# --- XLSX ---------------------------------------------------------------------

def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep="T")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    text = str(value)
    return text if text.strip() != "" else None


def read_xlsx(path: Path, batch_rows: int = BATCH_ROWS) -> TableFile:
    import zipfile

    import openpyxl

    if not zipfile.is_zipfile(path):
        raise FileError("the file is not an Excel workbook (.xlsx): save it again as .xlsx or CSV")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged workbooks
        raise FileError(f"the workbook cannot be opened ({type(exc).__name__}: {exc}): save it again as .xlsx")
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise FileError("the workbook has no sheet")
    rows = sheet.iter_rows(values_only=False)
    header_cells = None
    for cells in rows:
        values = [_cell_text(c.value) for c in cells]
        if any(v is not None for v in values):
            header_cells = values
            break
    if header_cells is None:
        book.close()
        raise FileError("the first sheet is empty (no header row): put the column names in the first row")
    while header_cells and header_cells[-1] is None:
        header_cells.pop()
    header, original = _unique_header(header_cells)
    width = len(header)

    def batches():
        batch = []
        try:
            for cells in rows:
                cells = [c for c in cells if getattr(c, "row", None) is not None]
                if not cells:
                    continue
                values = [_cell_text(c.value) for c in cells]
                if all(v is None for v in values):
                    continue
                row = cells[0].row
                extra = values[width:]
                fields = (values + [None] * width)[:width]
                if any(v is not None for v in extra):
                    fields = values  # a value beyond the header: malformed
                batch.append(Record(row, fields))
                if len(batch) >= batch_rows:
                    yield batch
                    batch = []
            if batch:
                yield batch
        finally:
            book.close()

    return TableFile(header, original, batches(), "xlsx", "")


# --- Parquet ------------------------------------------------------------------

def read_parquet(path: Path, batch_rows: int = BATCH_ROWS) -> TableFile:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:
        raise FileError(f"the file is not a readable Parquet file ({exc})")
    names = pf.schema_arrow.names
    header, original = _unique_header(names)

    def batches():
        row = 0
        for rb in pf.iter_batches(batch_size=batch_rows):
            columns = [rb.column(i).to_pylist() for i in range(rb.num_columns)]
            batch = []
            for values in zip(*columns):
                row += 1
                batch.append(Record(row, [_cell_text(v) for v in values]))
            yield batch

    return TableFile(header, original, batches(), "parquet", "")


def open_table(path: Path, batch_rows: int = BATCH_ROWS) -> TableFile:
    """Open any supported landing file; FileError says why a file cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise FileError("the file is empty (0 bytes): export it again")
    if suffix in (".csv", ".tsv", ".txt"):
        return read_csv(path, batch_rows)
    if suffix == ".xlsx":
        return read_xlsx(path, batch_rows)
    if suffix == ".parquet":
        return read_parquet(path, batch_rows)
    raise FileError(f"unsupported file type {suffix!r}")
