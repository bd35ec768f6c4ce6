"""Configuration: defaults, the shipped example, environment overrides, every mistake's text."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.config import load_config, parse_config, parse_office_settings
from server.domain.settings import OfficeSettings
from server.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "antrian.example.toml"
TWO_SERVICES = [{"code": "A", "name": "Satu"}, {"code": "B", "name": "Dua"}]


def test_built_in_defaults_are_the_demo_office() -> None:
    config = load_config(None, environ={})
    assert [service.code for service in config.services] == ["A", "B", "C"]
    assert [(counter.number, counter.services) for counter in config.counters] == [
        (1, ("A",)), (2, ("A", "B")), (3, ("B", "C")),
    ]  # fmt: skip
    assert config.timezone == "Asia/Jakarta"
    assert all(config.hours[day][0].start == time(0, 0) for day in range(7))
    assert config.holidays == ()
    assert config.priority_max_in_row is None and config.priority_regular_after_minutes is None


def test_the_shipped_example_is_valid_and_has_real_hours() -> None:
    config = load_config(EXAMPLE, environ={})
    assert config.office_name == "Kantor Kecamatan Sukamaju"
    assert config.hours[0][0].start == time(8, 0) and config.hours[0][0].end == time(15, 0)
    assert config.hours[5] == ()  # Saturday closed
    (friday_break,) = config.breaks
    assert friday_break.days == (4,) and friday_break.span.start == time(11, 30)
    service = config.service("A")
    assert service is not None and service.quota == 150
    assert service.completion_time == "15 menit" and service.fee == "Gratis"
    assert service.requirements[0] == "Fotokopi Kartu Keluarga"
    assert service.target_wait_minutes == 30
    christmas = config.holiday(date(2026, 12, 25))
    assert christmas is not None and christmas.name == "Hari Raya Natal"
    assert config.priority_max_in_row == 3


def test_the_server_config_is_the_domain_office_settings_plus_server() -> None:
    config = parse_config({})
    assert isinstance(config, OfficeSettings)
    office = parse_office_settings({"office": {"name": "Kecamatan Uji"}})
    assert type(office) is OfficeSettings and office.office_name == "Kecamatan Uji"


def test_times_may_be_written_with_a_dot_as_the_tv_shows_them() -> None:
    config = parse_config(
        {
            "hours": {"mon": "08.00-15.00", "fri": ["8.00 – 11.30", "13.00-15.00"]},
            "breaks": [{"days": ["mon"], "start": "12.00", "end": "12.30"}],
        }
    )
    assert config.hours[0][0].start == time(8, 0) and config.hours[0][0].end == time(15, 0)
    assert [(span.start, span.end) for span in config.hours[4]] == [
        (time(8, 0), time(11, 30)), (time(13, 0), time(15, 0)),
    ]  # fmt: skip
    assert config.breaks[0].span.start == time(12, 0)


def test_service_standards_and_priority_overrides_are_parsed() -> None:
    config = parse_config(
        {
            "priority": {"max_in_row": 3, "regular_after_minutes": 45},
            "services": [
                {
                    "code": "A", "name": "KTP-el", "completion_time": "15 menit",
                    "completion_time_en": "15 minutes", "fee": "Gratis",
                    "requirements": ["Fotokopi KK", "Surat pengantar RT/RW"],
                    "target_wait_minutes": 30,
                    "priority": {"max_in_row": 1},
                },
                {"code": "B", "name": "Izin", "completion_time": "3 hari kerja"},
            ],
            "counters": [{"number": 1, "services": ["A", "B"]}],
        }
    )  # fmt: skip
    ktp, permit = config.services
    assert (ktp.completion_time, ktp.completion_time_en, ktp.fee, ktp.fee_en) == (
        "15 menit", "15 minutes", "Gratis", "Gratis",
    )  # fmt: skip
    assert ktp.requirements == ("Fotokopi KK", "Surat pengantar RT/RW")
    assert ktp.requirements_en == ktp.requirements  # English falls back to Indonesian
    assert ktp.target_wait_minutes == 30 and permit.target_wait_minutes is None
    assert (config.max_in_row(ktp), config.max_in_row(permit)) == (1, 3)
    assert (config.regular_after_minutes(ktp), config.regular_after_minutes(permit)) == (45, 45)
    assert permit.fee == "" and permit.requirements == ()


def test_holidays_are_sorted_and_found_by_date() -> None:
    config = parse_config(
        {
            "holidays": [
                {"date": date(2026, 12, 25), "name": "Hari Raya Natal"},
                {"date": "2026-08-17", "name": "Hari Kemerdekaan RI"},
            ]
        }
    )
    assert [holiday.date for holiday in config.holidays] == [date(2026, 8, 17), date(2026, 12, 25)]
    assert config.holiday(date(2026, 8, 17)).name == "Hari Kemerdekaan RI"  # type: ignore[union-attr]
    assert config.holiday(date(2026, 8, 18)) is None


def test_environment_overrides_port_and_data_dir(tmp_path: Path) -> None:
    config = load_config(
        None, environ={"ANTRIAN_SERVER_PORT": "9000", "ANTRIAN_SERVER_DATA_DIR": str(tmp_path)}
    )
    assert config.server.port == 9000 and config.server.data_dir == tmp_path
    with pytest.raises(ConfigError) as raised:
        load_config(None, environ={"ANTRIAN_SERVER_PORT": "x"})
    assert str(raised.value) == 'ANTRIAN_SERVER_PORT: harus angka, tertulis "x"'


def test_the_public_listener_is_off_by_default_and_set_by_file_or_environment() -> None:
    server = parse_config({}).server
    assert (server.public_host, server.max_connections_per_address) == (None, 256)
    server = parse_config(
        {"server": {"public_host": "10.20.0.1", "public_port": 8080, "port": 8470}}
    ).server
    assert (server.public_host, server.public_port) == ("10.20.0.1", 8080)
    server = load_config(
        None,
        environ={
            "ANTRIAN_SERVER_PUBLIC_HOST": "0.0.0.0",
            "ANTRIAN_SERVER_PUBLIC_PORT": "9471",
            "ANTRIAN_SERVER_MAX_CONNECTIONS_PER_ADDRESS": "2000",
        },
    ).server
    assert (server.public_host, server.public_port) == ("0.0.0.0", 9471)
    assert server.max_connections_per_address == 2000
    # another address of the machine may take the same port number
    same_port = {"host": "192.168.1.10", "public_host": "10.20.0.1", "public_port": 8470}
    assert parse_config({"server": same_port}).server.public_port == 8470


# Every message the schema and the checks give, in Indonesian, exactly.
MISTAKES: list[tuple[dict[str, object], str, str]] = [
    (
        {"services": TWO_SERVICES,
         "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A"]},
                      {"number": 3, "services": ["B", "D"]}]},
        "counters[2].services[1]",
        'Pengaturan salah di Loket 3, kunci "services": layanan "D" tidak ada di [[services]];'
        " yang ada: A, B",
    ),
    (
        {"counters": [{"number": 7, "services": []}]},
        "counters[0].services",
        'Pengaturan salah di Loket 7, kunci "services": loket harus melayani minimal satu'
        ' layanan, misalnya services = ["A"]',
    ),
    (
        {"counters": [{"number": 1, "services": ["A"]}, {"number": 1, "services": ["B"]}]},
        "counters[1]",
        "Pengaturan salah di Loket 1: nomor loket 1 dipakai dua kali di [[counters]]",
    ),
    (
        {"counters": [{"services": ["A"]}]},
        "counters[0].number",
        'Pengaturan salah di loket ke-1 di [[counters]]: kunci "number" wajib diisi'
        " (nomor loket, misalnya number = 3)",
    ),
    (
        {"counters": [{"number": 1000, "services": ["A"]}]},
        "counters[0].number",
        'Pengaturan salah di Loket 1000, kunci "number": harus paling besar 999, tertulis 1000',
    ),
    ({"counters": []}, "counters",
     "Pengaturan salah di [[counters]]: minimal satu loket [[counters]] diperlukan"),
    ({"services": []}, "services",
     "Pengaturan salah di [[services]]: minimal satu layanan [[services]] diperlukan"),
    (
        {"services": [{"code": "A", "name": "x"}, {"code": "A", "name": "y"}]},
        "services[1]",
        'Pengaturan salah di Layanan A: kode "A" dipakai dua kali di [[services]]',
    ),
    (
        {"services": [{"code": "A", "name": ""}]},
        "services[0].name",
        'Pengaturan salah di Layanan A, kunci "name": tidak boleh kosong',
    ),
    (
        {"services": [{"code": "B", "name": "   "}]},
        "services[0].name",
        'Pengaturan salah di Layanan B, kunci "name": tidak boleh kosong',
    ),
    (
        {"services": [{"code": "A"}]},
        "services[0].name",
        'Pengaturan salah di Layanan A: kunci "name" wajib diisi (nama yang dibaca pengunjung,'
        ' misalnya name = "Administrasi Kependudukan")',
    ),
    (
        {"services": [{"name": "x"}]},
        "services[0].code",
        'Pengaturan salah di layanan ke-1 di [[services]]: kunci "code" wajib diisi'
        ' (satu huruf kapital, misalnya code = "A")',
    ),
    (
        {"services": [{"code": "a", "name": "x"}]},
        "services[0].code",
        'Pengaturan salah di Layanan a, kunci "code": "a" bukan satu huruf kapital A–Z'
        ' (maksudnya "A"?)',
    ),
    (
        {"services": [{"code": "AA", "name": "x"}]},
        "services[0].code",
        'Pengaturan salah di Layanan AA, kunci "code": "AA" bukan satu huruf kapital A–Z',
    ),
    (
        {"services": [*TWO_SERVICES[:1], {"code": "B", "name": "Dua", "quota": 0}]},
        "services[1].quota",
        'Pengaturan salah di Layanan B, kunci "quota": harus paling kecil 1, tertulis 0',
    ),
    (
        {"services": [{"code": "A", "name": "x", "quota": "150"}]},
        "services[0].quota",
        'Pengaturan salah di Layanan A, kunci "quota": harus bilangan bulat, tertulis "150"',
    ),
    (
        {"services": [{"code": "A", "name": "x", "minutes_per_visitor": 0}]},
        "services[0].minutes_per_visitor",
        'Pengaturan salah di Layanan A, kunci "minutes_per_visitor": harus lebih dari 0,'
        " tertulis 0",
    ),
    (
        {"services": [{"code": "A", "name": "x", "nama": "y"}]},
        "services[0].nama",
        'Pengaturan salah di Layanan A: kunci "nama" tidak dikenal (maksudnya "name"?);'
        " yang boleh: code, name, name_en, description, description_en, quota,"
        " minutes_per_visitor, hours, completion_time, completion_time_en, fee, fee_en,"
        " requirements, requirements_en, target_wait_minutes, priority",
    ),
    (
        {"services": [{"code": "A", "name": "x", "requirements": "KTP"}]},
        "services[0].requirements",
        'Pengaturan salah di Layanan A, kunci "requirements": harus daftar seperti ["A", "B"],'
        ' tertulis "KTP"',
    ),
    (
        {"services": [{"code": "A", "name": "x", "requirements": ["KTP", ""]}]},
        "services[0].requirements[1]",
        'Pengaturan salah di Layanan A, kunci "requirements": tidak boleh kosong',
    ),
    (
        {"services": [{"code": "A", "name": "x", "target_wait_minutes": 0}]},
        "services[0].target_wait_minutes",
        'Pengaturan salah di Layanan A, kunci "target_wait_minutes": harus paling kecil 1,'
        " tertulis 0",
    ),
    (
        {"services": [{"code": "A", "name": "x", "priority": {"max_in_row": 0}}]},
        "services[0].priority.max_in_row",
        'Pengaturan salah di Layanan A, kunci "priority.max_in_row": harus paling kecil 1,'
        " tertulis 0",
    ),
    (
        {"services": [{"code": "A", "name": "x", "hours": {"fri": "8"}}]},
        "services[0].hours.fri",
        'Pengaturan salah di Layanan A, kunci "hours.fri": "8" bukan rentang jam seperti'
        ' "08:00-15:00" (atau "08.00-15.00"); tulis "closed" untuk hari tutup',
    ),
    (
        {"hours": {"mon": "8-15"}},
        "hours.mon",
        'Pengaturan salah di [hours], kunci "mon": "8-15" bukan rentang jam seperti'
        ' "08:00-15:00" (atau "08.00-15.00"); tulis "closed" untuk hari tutup',
    ),
    (
        {"hours": {"mon": 8}},
        "hours.mon",
        'Pengaturan salah di [hours], kunci "mon": "8" bukan rentang jam seperti'
        ' "08:00-15:00" (atau "08.00-15.00"); tulis "closed" untuk hari tutup',
    ),
    (
        {"hours": {"tue": "25.00-26.00"}},
        "hours.tue",
        'Pengaturan salah di [hours], kunci "tue": "25.00-26.00" memuat jam yang tidak ada',
    ),
    (
        {"hours": {"wed": "08:00-24:30"}},
        "hours.wed",
        'Pengaturan salah di [hours], kunci "wed": "08:00-24:30" selesai setelah 24:00',
    ),
    (
        {"hours": {"thu": "15:00-08:00"}},
        "hours.thu",
        'Pengaturan salah di [hours], kunci "thu": "15:00-08:00" selesai sebelum mulai',
    ),
    (
        {"hours": {"senin": "08:00-15:00"}},
        "hours.senin",
        'Pengaturan salah di [hours]: kunci "senin" tidak dikenal (maksudnya "mon"?);'
        " yang boleh: mon, tue, wed, thu, fri, sat, sun",
    ),
    (
        {"breaks": [{"days": ["fri"], "start": "11:30"}]},
        "breaks[0].end",
        'Pengaturan salah di istirahat ke-1 di [[breaks]]: kunci "end" wajib diisi'
        ' (jam selesai, misalnya end = "13:00")',
    ),
    (
        {"breaks": [{"name": "Salat Jumat", "days": ["jumat"], "start": "11:30", "end": "13:00"}]},
        "breaks[0].days[0]",
        'Pengaturan salah di istirahat "Salat Jumat", kunci "days": "jumat" bukan salah satu'
        ' dari mon, tue, wed, thu, fri, sat, sun (maksudnya "fri"?)',
    ),
    (
        {"breaks": [{"days": ["fri"], "start": "1130", "end": "13:00"}]},
        "breaks[0].start",
        'Pengaturan salah di istirahat ke-1 di [[breaks]], kunci "start": "1130" bukan jam'
        ' seperti "11:30" (atau "11.30")',
    ),
    (
        {"breaks": [{"name": "Jumatan", "start": "13.00", "end": "11.30"}]},
        "breaks[0]",
        'Pengaturan salah di istirahat "Jumatan": istirahat selesai (11.30) sebelum mulai (13.00)',
    ),
    (
        {"breaks": [{"start": "11:30", "end": "13:00", "services": ["Z"]}]},
        "breaks[0].services[0]",
        'Pengaturan salah di istirahat ke-1 di [[breaks]], kunci "services": layanan "Z" tidak'
        " ada di [[services]]; yang ada: A, B, C",
    ),
    (
        {"holidays": [{"date": "25-12-2026", "name": "Natal"}]},
        "holidays[0].date",
        'Pengaturan salah di hari libur 25-12-2026, kunci "date": harus tanggal seperti'
        ' 2026-12-25, tertulis "25-12-2026"',
    ),
    (
        {"holidays": [{"name": "Natal"}]},
        "holidays[0].date",
        'Pengaturan salah di hari libur ke-1 di [[holidays]]: kunci "date" wajib diisi'
        " (misalnya date = 2026-12-25)",
    ),
    (
        {"holidays": [{"date": date(2026, 12, 25), "name": " "}]},
        "holidays[0].name",
        'Pengaturan salah di hari libur 2026-12-25, kunci "name": tidak boleh kosong',
    ),
    (
        {"holidays": [{"date": date(2026, 12, 25), "name": "Natal"},
                      {"date": date(2026, 12, 25), "name": "Cuti bersama"}]},
        "holidays[1]",
        "Pengaturan salah di hari libur 2026-12-25: tanggal 2026-12-25 tercantum dua kali"
        " di [[holidays]]",
    ),
    (
        {"office": {"timezone": "WIB"}},
        "office.timezone",
        'Pengaturan salah di [office], kunci "timezone": zona waktu "WIB" tidak dikenal;'
        ' maksudnya "Asia/Jakarta"?',
    ),
    (
        {"office": {"timezone": "WITA"}},
        "office.timezone",
        'Pengaturan salah di [office], kunci "timezone": zona waktu "WITA" tidak dikenal;'
        ' maksudnya "Asia/Makassar"?',
    ),
    (
        {"office": {"timezone": "Mars/Olympus"}},
        "office.timezone",
        'Pengaturan salah di [office], kunci "timezone": zona waktu "Mars/Olympus" tidak'
        ' dikenal; pakai nama seperti "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA) atau'
        ' "Asia/Jayapura" (WIT)',
    ),
    (
        {"office": {"name": ""}},
        "office.name",
        'Pengaturan salah di [office], kunci "name": tidak boleh kosong',
    ),
    (
        {"office": {"requeue_after": -1}},
        "office.requeue_after",
        'Pengaturan salah di [office], kunci "requeue_after": harus paling kecil 0, tertulis -1',
    ),
    (
        {"office": {"nama": "x"}},
        "office.nama",
        'Pengaturan salah di [office]: kunci "nama" tidak dikenal (maksudnya "name"?);'
        " yang boleh: name, timezone, requeue_after, show_figures, region, address, head_title,"
        " head_name, head_nip, logo",
    ),
    (
        {"office": "Kecamatan"},
        "office",
        'Pengaturan salah di [office]: harus tabel, tertulis "Kecamatan"',
    ),
    (
        {"priority": {"enabled": "ya"}},
        "priority.enabled",
        'Pengaturan salah di [priority], kunci "enabled": harus true atau false, tertulis "ya"',
    ),
    (
        {"priority": {"max_in_row": 0}},
        "priority.max_in_row",
        'Pengaturan salah di [priority], kunci "max_in_row": harus paling kecil 1, tertulis 0',
    ),
    (
        {"priority": {"regular_after_minutes": "30"}},
        "priority.regular_after_minutes",
        'Pengaturan salah di [priority], kunci "regular_after_minutes": harus bilangan bulat,'
        ' tertulis "30"',
    ),
    (
        {"server": {"port": 70000}},
        "server.port",
        'Pengaturan salah di [server], kunci "port": harus paling besar 65535, tertulis 70000',
    ),
    (
        {"server": {"public_host": "0.0.0.0", "public_port": 8470}},
        "server.public_port",
        'Pengaturan salah di [server], kunci "public_port": 8470 sama dengan port server: alamat'
        " publik untuk ponsel tamu harus memakai port lain (misalnya public_port = 8471)",
    ),
    (
        {"server": {"max_connections_per_address": 0}},
        "server.max_connections_per_address",
        'Pengaturan salah di [server], kunci "max_connections_per_address": harus paling kecil'
        " 1, tertulis 0",
    ),
    (
        {"office": "\n"},
        "office",
        'Pengaturan salah di [office]: harus tabel, tertulis "\\n"',
    ),
    (
        {"survey": {"retention_days": 0}},
        "survey.retention_days",
        'Pengaturan salah di [survey], kunci "retention_days": harus paling kecil 1, tertulis 0',
    ),
    (
        {"survey": {"retention": 30}},
        "survey.retention",
        'Pengaturan salah di [survey]: kunci "retention" tidak dikenal (maksudnya'
        ' "retention_days"?); yang boleh: retention_days',
    ),
    (
        {"layanan": []},
        "layanan",
        'Pengaturan salah: bagian [layanan] tidak dikenal (maksudnya "services"?); yang ada:'
        " office, priority, hours, breaks, holidays, services, counters, server, survey,"
        " city, printer, kiosk, counter, display, client",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("document", "path", "message"), MISTAKES)
def test_every_mistake_names_its_place_in_indonesian(
    document: dict[str, object], path: str, message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(document)
    assert str(raised.value) == message
    assert raised.value.path == path


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"services": TWO_SERVICES,
             "counters": [{"number": 1, "services": ["A"]}, {"number": 3, "services": ["D"]}]},
            'Setting error in Counter (loket) 3, key "services": service "D" is not defined'
            " in [[services]]; defined: A, B",
        ),
        (
            {"office": {"timezone": "WIT"}},
            'Setting error in [office], key "timezone": unknown time zone "WIT"; did you mean'
            ' "Asia/Jayapura"?',
        ),
        (
            {"services": [{"code": "A", "name": ""}]},
            'Setting error in Service A, key "name": must not be empty',
        ),
        (
            {"breaks": [{"days": ["fri"], "start": "11:30"}]},
            'Setting error in break no. 1 in [[breaks]]: "end" is required (end time, e.g.'
            ' end = "13:00")',
        ),
    ],
)  # fmt: skip
def test_english_is_a_switch_away(document: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(document, environ={"ANTRIAN_LANG": "en"})
    assert str(raised.value) == message


def test_a_file_mistake_names_the_file_in_either_language(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as raised:
        load_config(missing, environ={})
    assert str(raised.value) == f"berkas pengaturan {missing} tidak ada"
    with pytest.raises(ConfigError) as raised:
        load_config(missing, environ={"ANTRIAN_LANG": "en_US.UTF-8"})
    assert str(raised.value) == f"config file {missing} not found"
    broken = tmp_path / "broken.toml"
    broken.write_text("[office\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(broken, environ={})
    assert str(raised.value).startswith(f"berkas pengaturan {broken} bukan TOML yang benar: ")


def test_sections_of_other_programs_are_left_to_them() -> None:
    config = parse_config({"kiosk": {"anything": 1}, "printer": {"type": "serial"}})
    assert config.services


def test_the_settings_go_back_into_the_same_keys_and_come_back_the_same() -> None:
    import json
    import tomllib

    from server.settings_document import office_settings_document
    from server.settings_schema import OFFICE_SECTIONS

    document = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    office_sections = {key: value for key, value in document.items() if key in OFFICE_SECTIONS}
    office_sections["breaks"].append({"name": "Sore", "start": "14:00", "end": "24:00"})
    original = parse_office_settings(office_sections)
    exported = office_settings_document(original)
    assert list(exported) == list(OFFICE_SECTIONS)
    assert exported["hours"]["fri"] == ["08:00-15:00"] and exported["hours"]["sat"] == "closed"
    assert exported["holidays"][1] == {"date": "2026-12-25", "name": "Hari Raya Natal"}
    assert exported["services"][1]["priority"] == {"max_in_row": 1}
    assert exported["breaks"][1]["end"] == "24:00"
    # as JSON, the way the settings API will exchange it
    assert parse_office_settings(json.loads(json.dumps(exported))) == original
    assert office_settings_document(parse_office_settings({})) == office_settings_document(
        parse_office_settings(office_settings_document(parse_office_settings({})))
    )


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 100_000), st.floats(allow_nan=False),
    st.text(max_size=12), st.sampled_from(["A", "B", "08:00-15:00", "08.00", "fri", "WIB"]),
    st.dates(),
)  # fmt: skip
_KEYS = st.sampled_from(
    ["name", "code", "number", "services", "hours", "mon", "fri", "start", "end", "days",
     "date", "quota", "timezone", "requirements", "priority", "max_in_row", "nama"]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)
_DOCUMENTS = st.dictionaries(
    st.sampled_from(
        ["office", "priority", "hours", "breaks", "holidays", "services", "counters", "server"]
    ),
    _VALUES,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS)
def test_any_document_is_either_settings_or_a_config_error_with_a_path(
    document: dict[str, object],
) -> None:
    for language in ("id", "en"):
        try:
            parse_config(document, language=language)
        except ConfigError as error:
            assert error.message.startswith(("Pengaturan salah", "Setting error"))
            assert "\n" not in error.message and "Traceback" not in error.message


def test_the_letterhead_and_signature_of_the_printed_reports_are_read() -> None:
    config = parse_config(
        {
            "office": {
                "name": "Kecamatan Karawaci",
                "region": "Pemerintah Kota Tangerang",
                "address": "Jl. Raya Karawaci No. 1",
                "head_name": "Drs. H. Ahmad Fauzi, M.Si.",
                "head_nip": "19800101 200501 1 001",
                "logo": "logo.png",
            }
        }
    )
    letterhead = config.letterhead
    assert letterhead.region == "Pemerintah Kota Tangerang"
    assert letterhead.address == "Jl. Raya Karawaci No. 1"
    assert letterhead.head_title == "Camat"  # the default title
    assert letterhead.head_name == "Drs. H. Ahmad Fauzi, M.Si."
    assert letterhead.head_nip == "19800101 200501 1 001"
    assert letterhead.logo == "logo.png"


@pytest.mark.parametrize(
    ("office", "message"),
    [
        (
            {"head_nip": "19800101"},
            'Pengaturan salah di [office], kunci "head_nip": NIP "19800101" harus 18 angka',
        ),
        (
            {"head_nip": "١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١"},  # 18 Arabic-Indic digits are not a NIP
            'kunci "head_nip": NIP "١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١" harus 18 angka',
        ),
        ({"logo": "../../etc/logo.png"}, 'kunci "logo": logo "../../etc/logo.png" harus nama'),
        ({"logo": "logo.gif"}, 'kunci "logo": logo "logo.gif" harus nama berkas PNG atau JPEG'),
    ],
)
def test_a_wrong_nip_or_logo_is_refused_in_indonesian(
    office: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"office": office})
    assert message in str(caught.value)
