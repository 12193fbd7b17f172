"""The resource every step of a refresh shares: configuration, working files, the writer lock."""

import contextlib
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.lib.config import Config, load_config
from pipelines.lib.workspace import RefreshLock, Workspace


class CoachlensResource(dg.ConfigurableResource):
    """Reads coachlens.toml (and COACHLENS_* variables) when a run starts; fields left empty keep it."""

    landing: str = ""
    warehouse: str = ""
    site: str = ""
    as_of: str = ""
    full_refresh: bool = False  # read every file again, even those unchanged since the published refresh
    _lock: RefreshLock | None = PrivateAttr(default=None)
    _token: str = PrivateAttr(default="adhoc")

    def config(self) -> Config:
        return load_config(overrides={"landing": self.landing or None, "warehouse": self.warehouse or None,
                                      "site": self.site or None, "as_of": self.as_of or None})

    def workspace(self) -> Workspace:
        cfg = self.config()
        return Workspace(Path(cfg.warehouse), Path(cfg.site), self._token)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        lock = RefreshLock(self.workspace().lock_path)
        lock.acquire()
        self._lock = lock
        self._token = (context.run_id or "adhoc")[:8]

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextlib.contextmanager
    def connect(self, read_only: bool = False):
        """A short-lived connection to this refresh's new warehouse file."""
        path = self.workspace().work_warehouse
        if read_only and not path.exists():
            raise dg.Failure(f"{path} does not exist: materialize the whole 'refresh' job, not one asset")
        con = duckdb.connect(str(path), read_only=read_only,
                             config={"memory_limit": self.config().memory_limit})
        try:
            con.execute("SET TimeZone = 'UTC'")
            yield con
        finally:
            con.close()
