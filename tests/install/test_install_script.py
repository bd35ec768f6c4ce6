"""install.sh role setup, run against a staging root (--root) instead of the real system."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from server.config import load_config

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "install.sh"


def install(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *arguments], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def sections(text: str) -> list[str]:
    """The table headers of a TOML text (commented-out examples do not count)."""
    return [line.strip() for line in text.splitlines() if line.startswith("[")]


def home_of(staging: Path) -> Path:
    (autostart,) = staging.rglob("autostart")
    return autostart.parent.parent


def test_roles_write_unit_autostart_udev_and_a_valid_config(tmp_path: Path) -> None:
    result = install(
        "--root", str(tmp_path), "--server", "--kiosk", "--counter", "2", "--display",
        "--token", "ant_abc123", "--server-url", "http://10.0.0.5:8470",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    unit = (tmp_path / "etc/systemd/system/antrian-server.service").read_text()
    assert "ExecStart=" in unit and "antrian-server --config" in unit and "Restart=always" in unit
    assert "\nLimitNOFILE=65536\n" in unit  # systemd's default 1,024 is too few connections
    assert (tmp_path / "etc/udev/rules.d/60-antrian-printer.rules").is_file()
    autostart = home_of(tmp_path) / ".config/autostart"
    assert sorted(path.name for path in autostart.iterdir()) == [
        "antrian-counter.desktop", "antrian-display.desktop", "antrian-kiosk.desktop",
    ]  # fmt: skip
    assert "Exec=" in (autostart / "antrian-counter.desktop").read_text()
    config_path = tmp_path / "etc/antrian/antrian.toml"
    text = config_path.read_text()
    assert sections(text).count("[counter]") == 1 and "counter = 2" in text
    assert 'token = "ant_abc123"' in text
    # the server accepts the file with the devices' sections in it
    config = load_config(config_path, environ={})
    assert [counter.number for counter in config.counters] == [1, 2, 3]


def test_running_again_changes_nothing_and_keeps_the_config(tmp_path: Path) -> None:
    assert install("--root", str(tmp_path), "--counter", "3", "--token", "first").returncode == 0
    config_path = tmp_path / "etc/antrian/antrian.toml"
    config_path.write_text(config_path.read_text().replace("Sukamaju", "Cibodas"))
    again = install("--root", str(tmp_path), "--counter", "3", "--token", "ant_other")
    assert again.returncode == 0
    text = config_path.read_text()
    assert sections(text).count("[counter]") == 1 and "first" in text and "ant_other" not in text
    assert "Cibodas" in text
    assert "left as it is" in again.stdout


def test_uninstall_removes_role_files_and_keeps_data(tmp_path: Path) -> None:
    install("--root", str(tmp_path), "--server", "--kiosk", "--token", "t")
    (tmp_path / "var/lib/antrian/antrian.sqlite3").write_bytes(b"data")
    result = install("--root", str(tmp_path), "--uninstall")
    assert result.returncode == 0
    assert not (tmp_path / "etc/systemd/system/antrian-server.service").exists()
    assert not list((home_of(tmp_path) / ".config/autostart").iterdir())
    assert (tmp_path / "var/lib/antrian/antrian.sqlite3").read_bytes() == b"data"
    assert (tmp_path / "etc/antrian/antrian.toml").is_file()


def test_server_on_postgresql_names_the_database_and_waits_for_it(tmp_path: Path) -> None:
    result = install("--root", str(tmp_path), "--server", "--postgresql")
    assert result.returncode == 0, result.stderr
    unit = (tmp_path / "etc/systemd/system/antrian-server.service").read_text()
    assert "After=network-online.target postgresql.service" in unit
    config_path = tmp_path / "etc/antrian/antrian.toml"
    config = load_config(config_path, environ={})
    assert config.server.database == "postgresql:///antrian?host=/var/run/postgresql"
    assert config.server.port == 8470  # the rest of [server] is kept
    again = install("--root", str(tmp_path), "--server", "--postgresql")
    assert again.returncode == 0 and "already names a database" in again.stdout
    assert config_path.read_text().count("database =") == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--counter"], "--counter needs the loket number"),
        (["--counter", "dua"], "loket number from 1 to 999"),
        (["--server-url", "10.0.0.5"], "expected http://HOST:PORT"),
        (["--token", "a b"], "does not look like an Antrian token"),
        (["--frobnicate"], "unknown option: --frobnicate"),
        (["--postgresql", "--no-system"], "--postgresql goes with --server"),
    ],
)
def test_bad_arguments_fail_with_one_line(arguments: list[str], message: str) -> None:
    result = install(*arguments)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("[antrian] error")]
    assert len(errors) == 1 and message in errors[0]


def test_the_first_admin_account_is_created_once_with_a_password_printed_once(
    tmp_path: Path,
) -> None:
    """install.sh --server's create_first_admin_account against the real `user` CLI."""
    import os
    import re
    import sys

    from server.accounts import verify_secret
    from server.storage.sqlite import SqliteStore

    functions = subprocess.run(
        ["sed", "-n", "/^say()/p;/^fail()/p;/^create_first_admin_account()/,/^}/p", str(SCRIPT)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "create_first_admin_account()" in functions
    data = tmp_path / "data"
    script = (
        f"{functions}\n"
        'runuser() { shift 3; "$@"; }  # as this user: the test runs the CLI itself\n'
        f"create_first_admin_account {sys.executable} -m server --data-dir {data}\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "DESKTOP_USER": "antrian"}
    first = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL, env=environment,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    found = re.search(r"first admin account for /admin \(shown once, keep it safe\): admin / (\S+)",
                      first.stdout)  # fmt: skip
    assert found, first.stdout
    password = found.group(1)
    assert len(password) >= 8
    again = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL, env=environment,
    )  # fmt: skip
    assert again.returncode == 0 and again.stdout == "", again.stdout + again.stderr
    store = SqliteStore(data)
    try:
        accounts = store.list_accounts()
        assert [(account.name, str(account.role)) for account in accounts] == [("admin", "admin")]
        credentials = store.account_credentials("admin")
        assert credentials is not None and credentials[1].startswith("$argon2id$")
        assert verify_secret(credentials[1], password)
    finally:
        store.close()


def test_the_central_role_writes_its_unit_and_options(tmp_path: Path) -> None:
    result = install("--root", str(tmp_path), "--central")
    assert result.returncode == 0, result.stderr
    unit = (tmp_path / "etc/systemd/system/antrian-central.service").read_text()
    assert "antrian-central $CENTRAL_OPTIONS" in unit and "Restart=always" in unit
    assert "\nLimitNOFILE=65536\n" in unit
    assert "After=network-online.target postgresql.service" in unit
    options = tmp_path / "etc/antrian/central.env"
    assert f"EnvironmentFile={options}" in unit
    text = options.read_text()
    assert "ANTRIAN_CENTRAL_DATABASE_URL=postgresql:///antrian_kota" in text
    assert "\nCENTRAL_OPTIONS=--port 8480\n" in text
    # run again: the options file (where the TLS paths are set) is kept
    options.write_text(text + "# edited\n")
    assert install("--root", str(tmp_path), "--central").returncode == 0
    assert options.read_text().endswith("# edited\n")
    assert not (tmp_path / "etc/systemd/system/antrian-server.service").exists()
