"""Configuration: defaults, the shipped example, environment overrides."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from server.config import load_config, parse_config
from server.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "antrian.example.toml"


def test_built_in_defaults_are_the_demo_office() -> None:
    config = load_config(None, environ={})
    assert [service.code for service in config.services] == ["A", "B", "C"]
    assert [(counter.number, counter.services) for counter in config.counters] == [
        (1, ("A",)), (2, ("A", "B")), (3, ("B", "C")),
    ]  # fmt: skip
    assert config.timezone == "Asia/Jakarta"
    assert all(config.hours[day][0].start == time(0, 0) for day in range(7))


def test_the_shipped_example_is_valid_and_has_real_hours() -> None:
    config = load_config(EXAMPLE, environ={})
    assert config.office_name == "Kantor Kecamatan Sukamaju"
    assert config.hours[0][0].start == time(8, 0) and config.hours[0][0].end == time(15, 0)
    assert config.hours[5] == ()  # Saturday closed
    (friday_break,) = config.breaks
    assert friday_break.days == (4,) and friday_break.span.start == time(11, 30)
    assert config.service("A") is not None and config.service("A").quota == 150  # type: ignore[union-attr]


def test_environment_overrides_port_and_data_dir(tmp_path: Path) -> None:
    config = load_config(
        None, environ={"ANTRIAN_SERVER_PORT": "9000", "ANTRIAN_SERVER_DATA_DIR": str(tmp_path)}
    )
    assert config.server.port == 9000 and config.server.data_dir == tmp_path
    with pytest.raises(ConfigError, match="ANTRIAN_SERVER_PORT"):
        load_config(None, environ={"ANTRIAN_SERVER_PORT": "x"})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"services": [{"code": "A", "name": "x"}, {"code": "A", "name": "y"}]},
            "code A is used twice",
        ),
        (
            {"counters": [{"number": 1, "services": []}]},
            "counters[0].services: a counter must serve",
        ),
        (
            {"counters": [{"number": 1, "services": ["A"]}, {"number": 1, "services": ["B"]}]},
            "number 1 is used twice",
        ),
        ({"breaks": [{"days": ["fri"], "start": "11:30"}]}, "breaks[0].end: missing"),
        (
            {"breaks": [{"days": ["jumat"], "start": "11:30", "end": "13:00"}]},
            "'jumat' is not one of",
        ),
        ({"hours": {"mon": "8-15"}}, "hours.mon: '8-15' is not a time range"),
        (
            {"services": [{"code": "A", "name": "x", "quota": 0}]},
            "services[0].quota: must be at least 1",
        ),
        ({"office": {"requeue_after": -1}}, "office.requeue_after: must be at least 0"),
        ({"office": {"nama": "x"}}, "office.nama: unknown key"),
        ({"office": {"timezone": "Asia"}}, "office.timezone: unknown time zone 'Asia'"),
        ({"priority": {"enabled": "ya"}}, "priority.enabled: expected true or false"),
    ],
)
def test_contradictions_name_the_key(document: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(document)
    assert message in str(raised.value)


def test_sections_of_other_programs_are_left_to_them() -> None:
    config = parse_config({"kiosk": {"anything": 1}, "printer": {"type": "serial"}})
    assert config.services
