"""Tests of loading a program's section of antrian.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.config import load_config
from client.errors import ConfigError
from client.i18n import Language

SAMPLE = """
[office]
name = "Kantor Kecamatan Contoh"
timezone = "Asia/Makassar"

[[services]]
code = "A"
name = "Administrasi Kependudukan"

[printer]
kind = "network"

[kiosk]
server = "http://192.168.1.10:8470"
token = "kiosk-secret"
language = "en"
printer_name = "front"
idle_seconds = 30

[counter]
server = "192.168.1.10"
counter = 2
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "antrian.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_program_section_is_read_and_other_tables_ignored(tmp_path: Path) -> None:
    config = load_config(
        "kiosk",
        write(tmp_path, SAMPLE),
        options={"printer_name": str, "idle_seconds": int},
        environ={},
    )
    assert config.server == "http://192.168.1.10:8470"
    assert config.token == "kiosk-secret"
    assert config.language is Language.ENGLISH
    assert dict(config.options) == {"printer_name": "front", "idle_seconds": 30}


def test_bare_host_gets_scheme_and_default_port(tmp_path: Path) -> None:
    config = load_config("counter", write(tmp_path, SAMPLE), options={"counter": int}, environ={})
    assert config.server == "http://192.168.1.10:8470"
    assert config.language is Language.INDONESIAN


def test_without_any_file_defaults_apply(tmp_path: Path) -> None:
    config = load_config("display", environ={}, search_paths=[tmp_path / "antrian.toml"])
    assert config.path is None
    assert config.server is None and config.token is None
    assert config.language is Language.INDONESIAN
    assert config.discovery


def test_first_file_found_in_search_paths_is_used(tmp_path: Path) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    second.mkdir()
    path = write(second, '[display]\nlanguage = "en"\n')
    config = load_config("display", environ={}, search_paths=[first / "antrian.toml", path])
    assert config.path == path
    assert config.language is Language.ENGLISH


def test_environment_names_the_file_and_overrides_server_and_token(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    config = load_config(
        "counter",
        options={"counter": int},
        environ={
            "ANTRIAN_CONFIG": str(path),
            "ANTRIAN_SERVER": "http://10.0.0.5:9000",
            "ANTRIAN_TOKEN": "from-env",
        },
        search_paths=[],
    )
    assert config.path == path
    assert config.server == "http://10.0.0.5:9000"
    assert config.token == "from-env"


def test_explicit_path_wins_over_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[kiosk]\nlanguage = "en"\n')
    config = load_config("kiosk", path, environ={"ANTRIAN_CONFIG": str(tmp_path / "other")})
    assert config.language is Language.ENGLISH


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('language = "jv"', 'kiosk.language: expected "id" or "en"'),
        ("language = 1", "kiosk.language: expected a string"),
        ("colour = 'red'", "kiosk.colour: unknown key"),
        ("token = 12", "kiosk.token: expected a string"),
        ("discovery = 'yes'", "kiosk.discovery: expected true or false"),
        ("discovery_timeout_s = 0", "kiosk.discovery_timeout_s"),
        ("server = 'ftp://x'", "kiosk.server"),
        ("idle_seconds = true", "kiosk.idle_seconds: expected an integer"),
    ],
)
def test_bad_value_is_a_config_error_naming_the_key(
    tmp_path: Path, section: str, message: str
) -> None:
    path = write(tmp_path, f"[kiosk]\n{section}\n")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_config("kiosk", path, options={"idle_seconds": int}, environ={})


def test_missing_explicit_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config("kiosk", tmp_path / "missing.toml", environ={})


def test_invalid_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[kiosk\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config("kiosk", path, environ={})


def test_section_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[kiosk\]"):
        load_config("kiosk", write(tmp_path, 'kiosk = "x"\n'), environ={})
