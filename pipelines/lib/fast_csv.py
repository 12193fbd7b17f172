"""A fast path for plain CSV files: DuckDB's own reader, used only where it provably gives the same
records and row numbers as the general reader (readers.read_csv).

Plain means: UTF-8 (with or without BOM), no double quote anywhere, no lone carriage return, no blank
line, the header on line 1, and every line with exactly as many delimiters as the header. Then record
k (1-based) is physical line k + 1, and DuckDB's read_csv with quoting off reads exactly those fields.
A numpy scan in 64 MB chunks decides; anything else goes through the general reader.

The same scan also tells whether any field could change under the checks' trim(): DuckDB's trim removes
spaces and non-ASCII Unicode spaces, so a file where no field starts or ends with a space or a non-ASCII
byte has fields that are already trimmed (`trimmed`), and the checks can skip trimming them.
"""
from __future__ import annotations

import codecs
import mmap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK = 64 << 20


@dataclass(frozen=True)
class PlainLayout:
    lines: int     # data lines (records), the header not counted
    trimmed: bool  # no field starts or ends with a space or a non-ASCII byte


def _chunk_bounds(mm, size: int, start: int):
    """(start, end) of successive blocks of whole lines of about CHUNK bytes (the last may lack its newline)."""
    while start < size:
        end = min(start + CHUNK, size)
        if end < size:
            cut = mm.rfind(b"\n", start, end)
            if cut < 0:  # a line longer than a chunk: take all of it
                cut = mm.find(b"\n", end)
            end = size if cut < 0 else cut + 1
        yield start, end
        start = end


def _edges_trimmed(arr: np.ndarray, cuts: np.ndarray) -> bool:
    """No field starts or ends with a space or a non-ASCII byte; cuts are the delimiters and line ends. A field
    starts after a cut (or at 0) and ends before one (before the CR of a CRLF line end); an empty field's edge
    is a cut, a CR or the chunk's start, none of which counts."""
    before = cuts[cuts > 0] - 1
    crlf = before[arr[before] == 13]
    edges = np.concatenate((arr[cuts[:-1] + 1], arr[:1], arr[before], arr[crlf[crlf > 0] - 1]))
    return not ((edges == 32) | (edges >= 128)).any()


def _chunk_layout(arr: np.ndarray, delim: int, width: int | None) -> tuple[int, int, bool] | None:
    """(delimiters per line, lines, trimmed) of a block of whole lines ending in a newline, None if not plain."""
    crs = np.flatnonzero(arr == 13)
    if len(crs) and (crs[-1] + 1 >= len(arr) or (arr[crs + 1] != 10).any()):
        return None  # a lone carriage return
    cuts = np.flatnonzero((arr == delim) | (arr == 10))
    if width is None:
        width = int(np.argmax(arr[cuts] == 10))  # the header's delimiters
    # every line holds `width` delimiters exactly when every (width + 1)-th cut, and no other, is a newline
    newline = arr[cuts] == 10
    if len(cuts) % (width + 1) or not newline[width::width + 1].all() or newline.sum() != len(cuts) // (width + 1):
        return None
    ends = cuts[width::width + 1]
    starts = np.concatenate(([0], ends[:-1] + 1))
    if (ends - starts - (arr[np.maximum(ends - 1, 0)] == 13) <= 0).any():
        return None  # a blank line
    return width, len(ends), _edges_trimmed(arr, cuts)


def plain_csv_layout(path: Path, encoding: str, delimiter: str) -> PlainLayout | None:
    """The layout when the file is plain (see above), else None. The file is mapped, not copied, in blocks."""
    if encoding not in ("utf-8", "utf-8-sig") or len(delimiter) != 1:
        return None
    size = Path(path).stat().st_size
    if size == 0:
        return None
    width, lines, trimmed = None, 0, True
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        first = len(codecs.BOM_UTF8) if mm[:len(codecs.BOM_UTF8)] == codecs.BOM_UTF8 else 0
        for start, end in _chunk_bounds(mm, size, first):
            if mm.find(b'"', start, end) >= 0:
                return None  # a double quote
            if mm[end - 1:end] == b"\n":
                arr = np.frombuffer(mm, dtype=np.uint8, count=end - start, offset=start)
            else:  # the last line has no newline: a copy that has one
                arr = np.frombuffer(mm[start:end] + b"\n", dtype=np.uint8)
            layout = _chunk_layout(arr, ord(delimiter), width)
            del arr  # the map closes only once no array looks at it
            if layout is None:
                return None
            width, n, chunk_trimmed = layout
            lines += n
            trimmed = trimmed and chunk_trimmed
    if width is None:
        return None
    return PlainLayout(lines - 1, trimmed)
