"""The pseudonym salt is a secret (docs/privacy.md, "The pseudonym salt").

A configured `pseudonym_salt` (coachlens.toml or COACHLENS_PSEUDONYM_SALT) is used as it is. Otherwise the
installation uses its own salt, generated on its first refresh into `<warehouse>.salt` beside the warehouse
(git-ignored, outside what the repository holds), readable and writable by its owner only (mode 0600). The
committed placeholder is never used to publish: `require_secret_salt` refuses it.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

PLACEHOLDER = "change-me"


class SaltError(RuntimeError):
    pass


def is_placeholder(salt: str | None) -> bool:
    return not salt or not salt.strip() or salt.strip() == PLACEHOLDER


def salt_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".salt")


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SaltError(f"the salt file {path} can be read by other users (mode {mode:o}); "
                        f"make it private with: chmod 600 {path}")
    salt = path.read_text(encoding="utf-8").strip()
    if is_placeholder(salt):
        raise SaltError(f"the salt file {path} holds no secret; delete it to have a new one generated")
    return salt


def _generate(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read(path)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(salt + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return salt


def installation_salt(configured: str | None, warehouse: Path) -> str:
    """The configured salt, else this installation's own (generated on first use)."""
    if not is_placeholder(configured):
        return configured
    path = salt_path(warehouse)
    return _read(path) if path.exists() else _generate(path)


def require_secret_salt(salt: str) -> None:
    if is_placeholder(salt):
        raise SaltError(f"refusing to publish with the committed placeholder pseudonym salt {PLACEHOLDER!r}: set "
                        "pseudonym_salt (or COACHLENS_PSEUDONYM_SALT) to a secret, or let the refresh generate "
                        "the installation's own salt")
