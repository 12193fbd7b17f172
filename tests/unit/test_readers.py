import codecs

import pytest

from pipelines.lib.readers import HEAD_BYTES, FileError, detect_delimiter, detect_encoding, normalise_header, open_table


def rows(table):
    return [(r.row, r.fields) for batch in table.batches for r in batch]


def test_utf8_comma_with_quoted_newline_keeps_physical_line_numbers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,"two\nlines"\n\n2,plain\n3,"a ""quote"", and comma"\n', encoding="utf-8")
    t = open_table(path)
    assert t.header == ["id", "text"]
    assert rows(t) == [(2, ["1", "two\nlines"]), (5, ["2", "plain"]), (6, ["3", 'a "quote", and comma'])]


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-le", b""),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-be", b""), ("cp1252", b""),
])
def test_encodings_are_detected(tmp_path, encoding, bom):
    text = "ID;Name\r\nP1;José Müller – “Zoë”\r\n"
    path = tmp_path / "x.csv"
    path.write_bytes(bom + text.encode(encoding))
    t = open_table(path)
    assert t.header == ["id", "name"]
    assert t.delimiter == ";"
    assert rows(t) == [(2, ["P1", "José Müller – “Zoë”"])]


def test_undecodable_bytes_fail_the_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id,name\n1,\x81\x8d\x90\x9d\xff\xfe\n")
    with pytest.raises(FileError, match="cannot be decoded"):
        open_table(path)


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"\n\n  \n", "empty"), (b"\x00\x01\x02\x03garbage\x00", "binary")])
def test_empty_and_binary_files_fail(tmp_path, content, message):
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    with pytest.raises(FileError, match=message):
        open_table(path)


def test_delimiters():
    assert detect_delimiter("a,b,c") == ","
    assert detect_delimiter("a;b;c") == ";"
    assert detect_delimiter("a\tb\tc") == "\t"
    assert detect_delimiter('"x;y",b,c') == ","


def test_header_normalisation():
    assert normalise_header("  Session\u00a0ID ") == "session id"
    assert normalise_header("SCORE") == "score"


def test_ragged_rows_are_passed_on_for_rejection(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,b,c\n1,2,3\n1,2\n1,2,3,4\n", encoding="utf-8")
    assert [len(f) for _, f in rows(open_table(path))] == [3, 2, 4]


def test_xlsx_rows_and_date_cells(tmp_path):
    import datetime as dt

    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Cohort_ID", "start_date", "planned_sessions"])
    sheet.append(["C1", dt.datetime(2024, 3, 1), 6])
    sheet.append([None, None, None])
    sheet.append(["C2", "2024-04-01", 6.0])
    book.save(tmp_path / "c.xlsx")
    t = open_table(tmp_path / "c.xlsx")
    assert t.header == ["cohort_id", "start_date", "planned_sessions"]
    assert rows(t) == [(2, ["C1", "2024-03-01", "6"]), (4, ["C2", "2024-04-01", "6"])]


def test_parquet_rows_are_record_indexes(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"sponsor_id": ["S1", "S2"], "sponsor_name": ["A", None]}), tmp_path / "s.parquet")
    assert rows(open_table(tmp_path / "s.parquet")) == [(1, ["S1", "A"]), (2, ["S2", None])]


def test_not_a_workbook_fails(tmp_path):
    (tmp_path / "x.xlsx").write_text("id,name\n1,a\n")
    with pytest.raises(FileError, match="not an Excel workbook"):
        open_table(tmp_path / "x.xlsx")


def test_the_head_alone_judges_an_encoding_the_whole_file_would_not(tmp_path):
    # UTF-8 for 64 KiB, then a cp1252 byte: the head says UTF-8 (enough to recognise an export), the whole
    # file says cp1252; a character cut at the end of the head does not count against UTF-8
    path = tmp_path / "late.csv"
    path.write_bytes(b"a,b\n" + b"x" * (HEAD_BYTES - 5) + "é".encode("utf-8") + b"\n\xe9\n")
    assert detect_encoding(path, head_only=True) == "utf-8"
    assert detect_encoding(path) == "cp1252"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + "a,é\n".encode("utf-8"))
    assert detect_encoding(bom, head_only=True) == detect_encoding(bom) == "utf-8-sig"
