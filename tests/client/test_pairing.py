"""The stored token of a paired device: where it is, who may read it, which one wins."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from client.config import ClientConfig
from client.pairing import (
    DeviceGrant,
    default_token_path,
    read_grant,
    store_grant,
    with_stored_token,
)

GRANT = DeviceGrant("ant_secret_token_123", "counter", 2, "Loket 2")


def test_the_token_file_is_in_the_data_dir_and_readable_by_its_user_only(tmp_path: Path) -> None:
    path = default_token_path("counter", {"XDG_DATA_HOME": str(tmp_path)})
    assert path == tmp_path / "antrian" / "counter-token.json"
    path.parent.mkdir(parents=True)
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)  # an older file readable by everyone is replaced, not reused
    store_grant(path, GRANT)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_grant(path) == GRANT
    assert [entry.name for entry in path.parent.iterdir()] == ["counter-token.json"]


def test_the_grant_never_shows_its_token_in_a_log() -> None:
    assert "ant_secret_token_123" not in repr(GRANT)
    assert "Loket 2" in repr(GRANT)


def test_a_missing_or_broken_file_means_pairing_again(tmp_path: Path) -> None:
    path = tmp_path / "kiosk-token.json"
    assert read_grant(path) is None
    path.write_text("{not json", encoding="utf-8")
    assert read_grant(path) is None
    path.write_text('{"token": ""}', encoding="utf-8")
    assert read_grant(path) is None


def test_a_configured_token_wins_over_the_stored_one(tmp_path: Path) -> None:
    path = tmp_path / "counter-token.json"
    store_grant(path, GRANT)
    configured = ClientConfig(program="counter", token="from-the-file")
    assert with_stored_token(configured, path) == (configured, None)
    bare = ClientConfig(program="counter")
    config, grant = with_stored_token(bare, path)
    assert (config.token, grant) == ("ant_secret_token_123", GRANT)
    assert with_stored_token(bare, tmp_path / "none.json") == (bare, None)
