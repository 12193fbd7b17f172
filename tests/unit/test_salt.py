"""The pseudonym salt is a secret (docs/privacy.md, "The pseudonym salt"): generated per installation, private, never the placeholder."""
import os
import stat

import pytest

from pipelines.lib.salt import PLACEHOLDER, SaltError, installation_salt, require_secret_salt, salt_path


def test_an_installation_without_a_salt_generates_its_own_private_one_once(tmp_path):
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    first = installation_salt(PLACEHOLDER, warehouse)
    path = salt_path(warehouse)
    assert path == tmp_path / "data" / "warehouse.duckdb.salt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64 and int(first, 16) >= 0 and first != PLACEHOLDER
    assert installation_salt(PLACEHOLDER, warehouse) == first  # kept: pseudonyms stay stable
    assert installation_salt("", warehouse) == first
    other = installation_salt(PLACEHOLDER, tmp_path / "elsewhere" / "warehouse.duckdb")
    assert other != first  # each installation its own


def test_a_configured_salt_wins_and_writes_nothing(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    assert installation_salt("my-secret", warehouse) == "my-secret"
    assert not salt_path(warehouse).exists()


def test_a_salt_file_others_can_read_is_refused(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    installation_salt(PLACEHOLDER, warehouse)
    os.chmod(salt_path(warehouse), 0o644)
    with pytest.raises(SaltError, match="chmod 600"):
        installation_salt(PLACEHOLDER, warehouse)


def test_publishing_with_the_placeholder_is_refused():
    for salt in (PLACEHOLDER, "", "  change-me "):
        with pytest.raises(SaltError, match="refusing to publish"):
            require_secret_salt(salt)
    require_secret_salt("a-real-secret")
