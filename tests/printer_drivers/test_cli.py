"""antrian-printer test / status: output, exit codes, one line saying what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from printer_drivers.cli import main
from tests.printer_drivers.simulated import PAPER_OUT_REPLIES, PtyPair, PtyPrinter


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "antrian.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_test_without_config_writes_a_preview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["test"]) == 0
    output = capsys.readouterr().out
    assert output.startswith(
        "no printer configured: wrote the test ticket to ticket-previews/A001-"
    )
    assert len(list((tmp_path / "ticket-previews").glob("A001-*.png"))) == 1


def test_test_uses_office_name_and_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path,
        '[office]\nname = "Kecamatan Sukamaju"\ntimezone = "Asia/Makassar"\n'
        f'[printer]\npreview_dir = "{tmp_path / "out"}"\n',
    )
    assert main(["--config", str(config), "test", "--language", "en", "--priority"]) == 0
    (binary,) = (tmp_path / "out").glob("*.bin")
    data = binary.read_bytes()
    assert b"Kecamatan Sukamaju" in data and b"Queue Number" in data and b"PRIORITY" in data
    assert b"WITA" in data and b"Test print - not a queue ticket" in data


def test_test_and_status_on_a_serial_printer(
    tmp_path: Path,
    pty_pair: PtyPair,
    pty_printer: PtyPrinter,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(
        tmp_path, f'[printer]\ntype = "serial"\ndevice = "{pty_pair.driver_end}"\n'
    )
    assert main(["--config", str(config), "test"]) == 0
    assert "printed test ticket A001 on serial printer" in capsys.readouterr().out
    assert b"A001" in pty_printer.wait_for(400)
    assert main(["--config", str(config), "status"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "online: yes",
        "paper: ok",
        "cover: closed",
        "ready",
    ]
    pty_printer.set_replies(PAPER_OUT_REPLIES)
    assert main(["--config", str(config), "status"]) == 1
    captured = capsys.readouterr()
    assert "paper: out" in captured.out
    assert captured.err == "error: printer is out of paper: load a new roll\n"


def test_missing_serial_device_exits_non_zero_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f'[printer]\ntype = "serial"\ndevice = "{tmp_path}/ttyX"\n')
    assert main(["--config", str(config), "test"]) == 1
    error_lines = capsys.readouterr().err.splitlines()
    assert error_lines == [
        f"error: printer not found: {tmp_path}/ttyX does not exist; "
        "check the cable and printer.device"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[printer]\nbaudrate = 'fast'\n",
            'error: Pengaturan salah di [printer], kunci "baudrate": harus bilangan bulat,'
            ' tertulis "fast"',
        ),
        ("[printer\n", "is not valid TOML"),
        ("printer = 5\n", "error: printer: expected a table"),
        ("[office]\ntimezone = 'Mars/Olympus'\n", "office.timezone: unknown time zone"),
    ],
)
def test_config_problems_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    config = write_config(tmp_path, text)
    assert main(["--config", str(config), "status"]) == 2
    error_lines = capsys.readouterr().err.splitlines()
    assert len(error_lines) == 1 and message in error_lines[0]


def test_missing_config_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "test"]) == 2
    assert capsys.readouterr().err == f"error: config file {tmp_path / 'nope.toml'} not found\n"


def test_options_may_follow_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    config = write_config(tmp_path, f'[printer]\npreview_dir = "{out}"\n')
    assert main(["status", "--config", str(config)]) == 0
    assert capsys.readouterr().out == (
        f"printer: preview printer into {out}\nonline: yes\npaper: ok\ncover: closed\nready\n"
    )
    assert main(["test", "--config", str(config), "--language", "en"]) == 0
    assert len(list(out.glob("A001-*.png"))) == 1
    missing = tmp_path / "missing.toml"
    assert main(["status", "--config", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: config file {missing} not found\n"
    # given before the command, an option is not undone by the command's defaults
    assert main(["--config", str(missing), "status"]) == 2
    assert capsys.readouterr().err == f"error: config file {missing} not found\n"
