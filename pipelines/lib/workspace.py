"""The files of one refresh: built beside the published ones, then swapped in at once.

A refresh writes a new warehouse file and a new site folder next to the
published ones (`<warehouse>.refresh-<run>`, `<site>.refresh-<run>`; the run's own
names, so a straggling child of a killed refresh can never write into the next
refresh's files). Only when every step
has succeeded does `publish` move them into place, each with one atomic rename,
so a refresh killed at any point leaves what was published untouched. A refresh
that fails publishes, the same way, a copy of the last good warehouse holding that
run's manifest and quarantine, and the last good site with that run's operations
page (`failed_warehouse`, `publish_failed`). One refresh at a time holds `<warehouse>.lock` (an flock, released by the kernel
even when the process is killed).
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

_RENAME_EXCHANGE = 2


class RefreshLocked(RuntimeError):
    pass


@dataclass(frozen=True)
class Workspace:
    warehouse: Path
    site: Path
    token: str = "run"

    @property
    def work_warehouse(self) -> Path:
        return self.warehouse.with_name(f"{self.warehouse.name}.refresh-{self.token}")

    @property
    def work_site(self) -> Path:
        return self.site.with_name(f"{self.site.name}.refresh-{self.token}")

    @property
    def failed_warehouse(self) -> Path:
        """Where a failed refresh assembles the warehouse it publishes (last good marts, its own manifest)."""
        return self.warehouse.with_name(f"{self.warehouse.name}.refresh-{self.token}-failed")

    @property
    def lock_path(self) -> Path:
        return self.warehouse.with_name(self.warehouse.name + ".lock")

    def reset(self) -> None:
        """Start a new refresh: remove whatever an interrupted one left behind."""
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        self.site.parent.mkdir(parents=True, exist_ok=True)
        for path in self.warehouse.parent.glob(f"{self.warehouse.name}.refresh-*"):
            if path.is_dir():  # DuckDB's spill folder of an interrupted refresh
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        for path in self.site.parent.glob(f"{self.site.name}.refresh-*"):
            shutil.rmtree(path, ignore_errors=True)
        self.work_site.mkdir(parents=True)

    def publish(self) -> None:
        """Move the new warehouse and site into place (each one atomic rename)."""
        self._swap_in(self.work_warehouse)

    def publish_failed(self) -> None:
        """Move a failed refresh's warehouse (`failed_warehouse`) and site into place; drop its work files."""
        self._swap_in(self.failed_warehouse)
        self.work_warehouse.unlink(missing_ok=True)
        Path(str(self.work_warehouse) + ".wal").unlink(missing_ok=True)

    def _swap_in(self, new_warehouse: Path) -> None:
        if Path(str(new_warehouse) + ".wal").exists():
            raise RuntimeError("the new warehouse still has an open write-ahead log; refusing to publish")
        _fsync_tree(self.work_site)
        os.replace(new_warehouse, self.warehouse)
        Path(str(self.warehouse) + ".wal").unlink(missing_ok=True)
        if self.site.exists():
            if not _exchange(self.work_site, self.site):
                old = self.site.with_name(self.site.name + ".old")
                shutil.rmtree(old, ignore_errors=True)
                os.rename(self.site, old)
                os.rename(self.work_site, self.site)
                shutil.rmtree(old, ignore_errors=True)
            shutil.rmtree(self.work_site, ignore_errors=True)
        else:
            os.rename(self.work_site, self.site)


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD = -100
    res = fn(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE)
    if res != 0:
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
            return False
        raise OSError(err, os.strerror(err), str(a))
    return True


class RefreshLock:
    """An exclusive, non-blocking flock on <warehouse>.lock; the kernel drops it if the process dies."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fh = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise RefreshLocked(f"another refresh is writing this warehouse ({holder}); wait for it to finish")
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
