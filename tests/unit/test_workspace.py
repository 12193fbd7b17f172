import pytest

from pipelines.lib.workspace import RefreshLock, RefreshLocked, Workspace


def test_publish_swaps_warehouse_and_site(tmp_path):
    ws = Workspace(tmp_path / "w.duckdb", tmp_path / "site")
    ws.warehouse.write_text("old")
    ws.site.mkdir()
    (ws.site / "index.html").write_text("old page")
    ws.reset()
    ws.work_warehouse.write_text("new")
    (ws.work_site / "index.html").write_text("new page")
    assert ws.warehouse.read_text() == "old" and (ws.site / "index.html").read_text() == "old page"
    ws.publish()
    assert ws.warehouse.read_text() == "new" and (ws.site / "index.html").read_text() == "new page"
    assert not ws.work_site.exists() and not ws.work_warehouse.exists()


def test_reset_clears_an_interrupted_refresh(tmp_path):
    old = Workspace(tmp_path / "w.duckdb", tmp_path / "site", "killed")
    old.work_warehouse.write_text("half")
    old.work_site.mkdir()
    (old.work_site / "stale.html").write_text("x")
    ws = Workspace(tmp_path / "w.duckdb", tmp_path / "site", "next")
    ws.reset()
    assert not old.work_warehouse.exists() and not old.work_site.exists()
    assert list(ws.work_site.iterdir()) == []


def test_lock_is_exclusive(tmp_path):
    a, b = RefreshLock(tmp_path / "l"), RefreshLock(tmp_path / "l")
    a.acquire()
    with pytest.raises(RefreshLocked):
        b.acquire()
    a.release()
    b.acquire()
    b.release()
