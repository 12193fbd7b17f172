"""The resource every step of a refresh shares: configuration, working files, the writer lock."""

import contextlib
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.lib.progress import show as show_progress
from pipelines.lib.config import Config, load_config
from pipelines.lib.salt import installation_salt
from pipelines.lib.workspace import RefreshLock, Workspace


class CoachlensResource(dg.ConfigurableResource):
    """Reads coachlens.toml (and COACHLENS_* variables) when a run starts; the run config's fields win over it
    (`coachlens refresh` passes its flags here), and fields left empty keep it."""

    landing: str = ""
    warehouse: str = ""
    site: str = ""
    as_of: str = ""
    full_refresh: bool = False  # read every file again, even those unchanged since the published refresh
    progress: bool = False  # print progress lines on stdout (the command line; the Dagster log has its own)
    _lock: RefreshLock | None = PrivateAttr(default=None)
    _token: str = PrivateAttr(default="adhoc")

    def config(self) -> Config:
        """The run's configuration, with the installation's secret salt when none is configured."""
        cfg = load_config(overrides={"landing": self.landing or None, "warehouse": self.warehouse or None,
                                     "site": self.site or None, "as_of": self.as_of or None})
        return cfg.with_salt(installation_salt(cfg.pseudonym_salt, cfg.warehouse))

    @classmethod
    def run_config(cls, cfg: Config, full_refresh: bool = False, progress_lines: bool = False) -> dict:
        """The run config that hands `cfg`'s paths and reporting date (if set) to this resource."""
        fields = {"landing": str(cfg.landing), "warehouse": str(cfg.warehouse), "site": str(cfg.site),
                  "as_of": cfg.as_of.isoformat() if cfg.as_of else "", "full_refresh": full_refresh,
                  "progress": progress_lines}
        return {"config": fields}

    def workspace(self) -> Workspace:
        cfg = self.config()
        return Workspace(Path(cfg.warehouse), Path(cfg.site), self._token)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        show_progress(self.progress)
        lock = RefreshLock(self.workspace().lock_path)
        lock.acquire()
        self._lock = lock
        self._token = (context.run_id or "adhoc")[:8]

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is None:
            return
        try:
            self._publish_if_failed(context)
        finally:
            self._lock.release()
            self._lock = None

    def _publish_if_failed(self, context: dg.InitResourceContext) -> None:
        """A run that failed (a file, a blocking check, a step) still publishes its manifest, quarantine and
        operations page, while it holds the lock; a run that published, or only ran some assets, does not."""
        from pipelines.lib.failed_refresh import publish_failed_refresh
        from pipelines.lib.outcome import failed_files, read_outcome

        ws = self.workspace()
        if not ws.work_warehouse.exists() or context.instance is None or not context.run_id:
            return
        files = []
        try:  # the failed files are also in the check's metadata; the manifest is the fuller source
            with duckdb.connect(str(ws.work_warehouse), read_only=True) as con:
                files = failed_files(con)
        except duckdb.Error:
            pass
        outcome = read_outcome(context.run_id, context.instance.all_logs(context.run_id), files)
        if outcome.success:
            return
        publish_failed_refresh(ws, outcome, self.config().resolved_as_of())
        context.log.warning(outcome.summary(str(ws.warehouse), str(ws.site)))

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
