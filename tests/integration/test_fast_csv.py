"""The DuckDB fast path reads plain CSV files exactly like the general reader: same fields, same row numbers."""
import tempfile
from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.lib.fast_csv import plain_csv_layout
from pipelines.lib.staging import stage_batches, stage_plain_csv
from pipelines.lib.readers import open_table

cell = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='",;\t\r\n\x85\u2028\u2029'),
               max_size=6)


def rows_of(path: Path):
    return [r for batch in open_table(path).batches for r in batch]


def load_both(path: Path):
    out = []
    for fast in (True, False):
        con = duckdb.connect()
        table = open_table(path)
        if fast:
            layout = plain_csv_layout(path, table.encoding, table.delimiter)
            assert layout is not None and layout.lines == len(rows_of(path))
            stage_plain_csv(con, path, table, layout)
        else:
            stage_batches(con, table)
        out.append(con.execute("SELECT * FROM _file ORDER BY _row").fetchall())
    return out


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=30),
       delimiter=st.sampled_from([",", ";", "\t"]), bom=st.booleans(), crlf=st.booleans())
def test_fast_path_equals_general_reader(rows, delimiter, bom, crlf):
    # every generated line holds two delimiters, so none is blank: the general reader keeps them all
    newline = "\r\n" if crlf else "\n"
    text = newline.join([delimiter.join(["a", "b", "c"])] + [delimiter.join(r) for r in rows]) + newline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        fast, general = load_both(path)
        assert fast == general


def test_layout_refuses_what_it_cannot_prove(tmp_path):
    cases = {
        "quoted.csv": 'a,b\n"1,2",3\n', "blank.csv": "a,b\n1,2\n\n3,4\n", "ragged.csv": "a,b\n1,2\n1,2,3\n",
        "lone_cr.csv": "a,b\r1,2\r",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert plain_csv_layout(tmp_path / name, "utf-8", ",") is None, name
    (tmp_path / "ok.csv").write_text("a,b\n1,2\n3,4", encoding="utf-8")
    assert plain_csv_layout(tmp_path / "ok.csv", "utf-8", ",").lines == 2
    assert plain_csv_layout(tmp_path / "ok.csv", "cp1252", ",") is None


def test_trimmed_says_whether_any_field_has_an_edge_that_trim_would_remove(tmp_path):
    cases = {  # DuckDB's trim() removes spaces and Unicode spaces (a non-ASCII edge counts as one), not tabs
        "a,b\nx,y\n": True, "a,b\nx y,z\n": True, "a,b\n,y\n": True, "a,b\r\nx,\r\n": True, "a,b\nx,y": True,
        "a,b\n x,y\n": False, "a,b\nx ,y\n": False, "a,b\nx,y \n": False, "a,b\r\nx,y \r\n": False,
        "a,b\nx,\u00a0y\n": False, "a,b\nx,caf\u00e9\n": False, " a,b\nx,y\n": False,
    }
    for i, (text, trimmed) in enumerate(cases.items()):
        path = tmp_path / f"c{i}.csv"
        path.write_bytes(text.encode("utf-8"))
        assert plain_csv_layout(path, "utf-8", ",").trimmed is trimmed, text


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(st.text(alphabet=" ab\u00a0\u2003\u00e9", max_size=4), min_size=3, max_size=3),
                     min_size=1, max_size=20), crlf=st.booleans())
def test_a_file_said_trimmed_has_only_fields_that_trim_leaves_alone(rows, crlf):
    newline = "\r\n" if crlf else "\n"
    text = newline.join(["a,b,c"] + [",".join(r) for r in rows]) + newline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(text.encode("utf-8"))
        layout = plain_csv_layout(path, "utf-8", ",")
        fields = [f for r in rows_of(path) for f in r.fields if f is not None]
        con = duckdb.connect()
        untouched = all(con.execute("SELECT trim(?) = ?", [f, f]).fetchone()[0] for f in fields)
        assert not layout.trimmed or untouched  # trimmed => trim changes nothing (empty fields are NULL anyway)
