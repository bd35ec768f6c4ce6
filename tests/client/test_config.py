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
        (
            'language = "jv"',
            'Pengaturan salah di [kiosk], kunci "language": harus "id" (Bahasa Indonesia) atau'
            ' "en" (English), tertulis "jv"',
        ),
        (
            "language = 1",
            'Pengaturan salah di [kiosk], kunci "language": harus teks dalam tanda kutip,'
            " tertulis 1",
        ),
        (
            "colour = 'red'",
            'Pengaturan salah di [kiosk]: kunci "colour" tidak dikenal; yang boleh: discovery,'
            " discovery_timeout_s, idle_seconds, language, office, server, servers, token",
        ),
        (
            "tokn = 'x'",
            'Pengaturan salah di [kiosk]: kunci "tokn" tidak dikenal (maksudnya "token"?); yang'
            " boleh: discovery, discovery_timeout_s, idle_seconds, language, office, server,"
            " servers, token",
        ),
        (
            "token = 12",
            'Pengaturan salah di [kiosk], kunci "token": harus teks dalam tanda kutip, tertulis 12',
        ),
        (
            "discovery = 'yes'",
            'Pengaturan salah di [kiosk], kunci "discovery": harus true atau false, tertulis "yes"',
        ),
        (
            "discovery_timeout_s = 0",
            'Pengaturan salah di [kiosk], kunci "discovery_timeout_s": harus lebih dari 0 dan'
            " paling lama 60 detik, tertulis 0",
        ),
        (
            "discovery_timeout_s = 'lama'",
            'Pengaturan salah di [kiosk], kunci "discovery_timeout_s": harus bilangan bulat atau'
            ' angka, tertulis "lama"',
        ),
        (
            "server = 'ftp://x'",
            'Pengaturan salah di [kiosk], kunci "server": harus alamat server seperti'
            ' "http://192.168.1.10:8470", tertulis "ftp://x"',
        ),
        (
            "server = '10.0.0.1:port'",
            'Pengaturan salah di [kiosk], kunci "server": nomor port salah di "10.0.0.1:port"',
        ),
        (
            "idle_seconds = true",
            'Pengaturan salah di [kiosk], kunci "idle_seconds": harus bilangan bulat,'
            " tertulis true",
        ),
    ],
)
def test_bad_value_is_a_config_error_naming_the_key(
    tmp_path: Path, section: str, message: str
) -> None:
    path = write(tmp_path, f"[kiosk]\n{section}\n")
    with pytest.raises(ConfigError) as raised:
        load_config("kiosk", path, options={"idle_seconds": int}, environ={})
    assert str(raised.value) == message


def test_messages_are_in_english_with_antrian_lang(tmp_path: Path) -> None:
    path = write(tmp_path, "[counter]\ncounter = '2'\n")
    with pytest.raises(ConfigError) as raised:
        load_config("counter", path, options={"counter": int}, environ={"ANTRIAN_LANG": "en"})
    assert str(raised.value) == (
        'Setting error in [counter], key "counter": must be a whole number, got "2"'
    )
    with pytest.raises(ConfigError) as raised:
        load_config(
            "counter", environ={"ANTRIAN_LANG": "en", "ANTRIAN_SERVER": "gopher://x"},
            search_paths=[],
        )  # fmt: skip
    assert str(raised.value) == (
        'ANTRIAN_SERVER: must be a server address such as "http://192.168.1.10:8470",'
        ' got "gopher://x"'
    )


def test_option_types_are_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[display]\nhighlight_s = 4\nvoice_languages = ["id", "en"]\n[display.texts]\n'
    )
    config = load_config(
        "display", path, environ={},
        options={"highlight_s": (int, float), "voice_languages": list, "texts": dict},
    )  # fmt: skip
    assert dict(config.options) == {
        "highlight_s": 4, "voice_languages": ["id", "en"], "texts": {},
    }  # fmt: skip


def test_missing_explicit_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError) as raised:
        load_config("kiosk", missing, environ={})
    assert str(raised.value) == f"--config: berkas pengaturan {missing} tidak ada"


def test_invalid_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[kiosk\n")
    with pytest.raises(ConfigError, match=r"^berkas pengaturan .* bukan TOML yang benar: "):
        load_config("kiosk", path, environ={})


def test_section_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config("kiosk", write(tmp_path, 'kiosk = "x"\n'), environ={})
    assert str(raised.value) == 'Pengaturan salah di [kiosk]: harus tabel [kiosk], tertulis "x"'


def test_a_hall_with_two_servers_lists_both_and_the_old_single_key_still_works(
    tmp_path: Path,
) -> None:
    both = write(
        tmp_path, '[display]\nserver = "10.0.0.5"\nservers = ["10.0.0.6:9000", "10.0.0.5"]\n'
    )
    config = load_config("display", both, environ={})
    assert config.server == "http://10.0.0.5:8470"
    assert config.servers == ("http://10.0.0.5:8470", "http://10.0.0.6:9000")
    only_list = write(tmp_path, '[display]\nservers = ["pc1.kantor.lan", "pc2.kantor.lan"]\n')
    config = load_config("display", only_list, environ={})
    assert config.server == "http://pc1.kantor.lan:8470"
    assert len(config.servers) == 2
    from_environment = load_config(
        "display", only_list, environ={"ANTRIAN_SERVER": "10.0.0.7, 10.0.0.8:81"}
    )
    assert from_environment.servers == ("http://10.0.0.7:8470", "http://10.0.0.8:81")


def test_a_server_list_with_a_number_in_it_names_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[kiosk]\nservers = ["10.0.0.5", 8470]\n')
    with pytest.raises(ConfigError) as raised:
        load_config("kiosk", path, environ={})
    assert str(raised.value) == (
        'Pengaturan salah di [kiosk], kunci "servers": harus teks dalam tanda kutip, tertulis 8470'
    )
