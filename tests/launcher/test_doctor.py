"""`antrian doctor` against a real server: what it finds and how it explains it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.live_server import LiveServer


def run_doctor(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launcher.main", "doctor", "--config", str(config),
         "--discovery-timeout", "0.5", *extra],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_doctor_accepts_good_token_and_explains_bad_one_and_missing_printer(
    live_server: LiveServer, tmp_path: Path
) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text(
        f'[kiosk]\nserver = "{live_server.url}"\ntoken = "{live_server.tokens["kiosk"]}"\n'
        f'[counter]\nserver = "{live_server.url}"\ntoken = "ant_wrong"\ncounter = 1\n'
        f'[printer]\ntype = "serial"\ndevice = "{tmp_path}/ttyUSB9"\n'
    )
    result = run_doctor(config)
    out = result.stdout
    assert result.returncode == 1
    assert f"[ OK ] Server menjawab: {live_server.url}" in out
    assert "[ OK ] Token [kiosk] diterima server" in out
    assert "[GAGAL] Token [counter] ditolak server" in out
    assert "antrian-server token create" not in out.split("Token [counter] ditolak")[0]
    assert "[GAGAL] Printer (serial) tidak menjawab / offline" in out
    assert "Printer tidak ditemukan" in out
    assert "Selesai: 2 masalah" in out


def test_doctor_in_english_says_the_server_is_unreachable(tmp_path: Path) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text('[display]\nserver = "http://127.0.0.1:9"\ntoken = "ant_x"\n')
    result = run_doctor(config, "--language", "en")
    assert result.returncode == 1
    assert "[GAGAL] The server http://127.0.0.1:9 cannot be reached" in result.stdout
    assert "The [display] token cannot be checked" in result.stdout


def test_doctor_reports_an_invalid_server_config(tmp_path: Path) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text('[[services]]\ncode = "AA"\nname = "x"\n')
    result = run_doctor(config)
    assert "Pengaturan server salah" in result.stdout
    assert "services[0].code" in result.stdout


def test_doctor_names_a_missing_config_file(tmp_path: Path) -> None:
    result = run_doctor(tmp_path / "nope.toml")
    assert result.returncode == 1
    assert "no such file" in result.stdout
