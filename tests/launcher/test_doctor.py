"""`antrian doctor` against a real server: what it finds and how it explains it."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from launcher.doctor import Context, Status, city_clock_findings
from tests.support.central import CentralProcess
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster


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
    assert "[GAGAL] Pengaturan server salah (server tidak akan mau mulai)" in result.stdout
    assert (
        '        Pengaturan salah di Layanan AA, kunci "code": "AA" bukan satu huruf kapital A–Z\n'
        in result.stdout
    )
    english = run_doctor(config, "--language", "en")
    assert "[GAGAL] The server settings are wrong (the server will not start)" in english.stdout
    assert 'Setting error in Service AA, key "code"' in english.stdout


def test_doctor_does_not_look_for_the_server_when_discovery_is_off(
    live_server: LiveServer, tmp_path: Path
) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text(
        f'[kiosk]\nserver = "{live_server.url}"\ntoken = "{live_server.tokens["kiosk"]}"\n'
        "discovery = false\n"
    )
    out = run_doctor(config).stdout
    assert "zeroconf" not in out.replace(
        "Pencarian server otomatis (zeroconf) dimatikan di [kiosk]", ""
    )
    assert (
        "[ OK ] Pencarian server otomatis (zeroconf) dimatikan di [kiosk]: memakai alamat"
        " server di pengaturan" in out
    )
    assert f"[ OK ] Server menjawab: {live_server.url}" in out
    assert "[ OK ] Token [kiosk] diterima server" in out


def test_doctor_says_discovery_off_needs_a_server_address(tmp_path: Path) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text('[counter]\ntoken = "ant_x"\ncounter = 1\ndiscovery = false\n')
    result = run_doctor(config)
    assert result.returncode == 1
    assert (
        "[GAGAL] Pencarian server otomatis dimatikan di [counter], tetapi tidak ada alamat"
        " server\n"
        '        Isi server = "http://<IP-server>:8470" di bagian itu, atau hapus'
        " discovery = false." in result.stdout
    )
    assert "tidak ditemukan otomatis" not in result.stdout


def test_doctor_names_a_missing_config_file(tmp_path: Path) -> None:
    result = run_doctor(tmp_path / "nope.toml")
    assert result.returncode == 1
    assert (
        result.stdout == f"[GAGAL] --config: berkas pengaturan {tmp_path / 'nope.toml'} tidak ada\n"
    )
    english = run_doctor(tmp_path / "nope.toml", "--language", "en")
    assert english.stdout == f"[GAGAL] --config: no such file: {tmp_path / 'nope.toml'}\n"


def test_doctor_on_a_server_that_does_not_advertise_asks_it_directly(
    live_server: LiveServer, tmp_path: Path
) -> None:
    config = tmp_path / "antrian.toml"
    port = live_server.url.rsplit(":", 1)[1]
    config.write_text(
        f'[office]\nname = "Kecamatan Uji"\n[server]\nzeroconf = false\nport = {port}\n'
    )
    out = run_doctor(config).stdout
    assert (
        "[ OK ] Pencarian server otomatis (zeroconf) dimatikan di [server]: memakai alamat"
        " server di pengaturan" in out
    )
    assert f"[ OK ] Server menjawab: http://127.0.0.1:{port}" in out
    assert "Pengaturan server salah" not in out


def test_doctor_reaches_the_city_central_and_compares_clocks(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    central = CentralProcess(postgres_cluster.create_database(), tmp_path)
    central.start()
    try:
        config = tmp_path / "antrian.toml"
        config.write_text(f'[city]\nurl = "http://127.0.0.1:{central.port}"\ntoken = "city_x"\n')
        result = run_doctor(config)
        assert f"[ OK ] Pusat kota menjawab: http://127.0.0.1:{central.port}" in result.stdout
        assert "[ OK ] Jam PC ini sama dengan jam pusat kota" in result.stdout
    finally:
        central.stop()
    result = run_doctor(config, "--language", "en")  # the central is gone now
    assert f"[ !! ] The city's central http://127.0.0.1:{central.port} cannot be reached" in (
        result.stdout
    )
    assert "The office works on and sends later" in result.stdout


def test_a_clock_minutes_off_the_city_fails() -> None:
    context = Context(language="id")
    now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    (finding,) = city_clock_findings(context, now + timedelta(minutes=7), now)
    assert finding.status is Status.FAIL
    assert finding.title == "Jam PC ini selisih 7 menit dengan jam pusat kota"
    (finding,) = city_clock_findings(context, now - timedelta(minutes=4), now)
    assert finding.status is Status.OK
