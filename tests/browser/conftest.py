"""Headless Chromium (Debian's package) driven by Playwright; no browser download."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(executable).exists(), "Debian's chromium is missing: run `make browser`"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """Open a page from disk, recording console errors, page errors and every request."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        self.page.wait_for_timeout(300)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened = []

    def _open(path: Path) -> Visit:
        v = Visit(browser, path)
        opened.append(v)
        return v

    yield _open
    for v in opened:
        v.close()


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """A refreshed generated programme with hostile names and a tiny cohort."""
    from tests.browser.hostile import make_hostile
    from tests.conftest import Refreshed, refresh, run_cli, AS_OF

    tmp = tmp_path_factory.mktemp("hostile")
    run_cli(["generate", "--out", str(tmp / "landing"), "--participants", "200", "--seed", "5",
             "--as-of", AS_OF.isoformat()], tmp)
    make_hostile(tmp / "landing")
    proc = refresh(tmp / "landing", tmp / "out")
    return Refreshed(tmp / "landing", tmp / "out" / "warehouse.duckdb", tmp / "out" / "site", AS_OF, proc.stdout)
