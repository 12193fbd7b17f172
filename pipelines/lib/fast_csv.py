"""A fast path for plain CSV files: DuckDB's own reader, used only where it provably gives the same
records and row numbers as the general reader (readers.read_csv).

Plain means: UTF-8 (with or without BOM), no double quote anywhere, no lone carriage return, no blank
line, the header on line 1, and every line with exactly as many delimiters as the header. Then record
k (1-based) is physical line k + 1, and DuckDB's read_csv with quoting off reads exactly those fields.
A numpy scan in 64 MB chunks decides; anything else goes through the general reader.
"""
from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np

CHUNK = 64 << 20


def plain_csv_layout(path: Path, encoding: str, delimiter: str) -> int | None:
    """The number of data lines when the file is plain (see above), else None."""
    if encoding not in ("utf-8", "utf-8-sig") or len(delimiter) != 1:
        return None
    delim = ord(delimiter)
    expected = None
    lines = 0
    carry = b""
    with open(path, "rb") as fh:
        first = True
        while True:
            block = fh.read(CHUNK)
            if not block and not carry:
                break
            data = carry + block
            if block:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    carry = data
                    continue
                data, carry = data[:cut], data[cut:]
            else:
                carry = b""
                if not data.endswith(b"\n"):
                    data += b"\n"
            if first and data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8):]
            if b'"' in data or data.count(b"\r") != data.count(b"\r\n"):
                return None
            arr = np.frombuffer(data, dtype=np.uint8)
            ends = np.flatnonzero(arr == 10)
            starts = np.concatenate(([0], ends[:-1] + 1))
            length = ends - starts - (arr[np.maximum(ends - 1, 0)] == 13)
            if (length <= 0).any():
                return None  # a blank line
            delims = np.flatnonzero(arr == delim)
            counts = np.searchsorted(delims, ends) - np.searchsorted(delims, starts)
            if first:
                expected = int(counts[0])
                counts = counts[1:]
                lines -= 1
                first = False
            if (counts != expected).any():
                return None
            lines += len(ends)
            if not block:
                break
    return lines if expected is not None else None
