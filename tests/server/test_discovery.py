"""The server's zeroconf advert, with real zeroconf on loopback: long and accented names."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from client.discovery import find_server
from server.discovery import (
    MAX_LABEL_BYTES,
    MAX_TXT_STRING_BYTES,
    SERVICE_TYPE,
    Advertiser,
    instance_name,
    truncate_utf8,
)
from tests.support.live_server import LiveServer

LOOPBACK = ("127.0.0.1",)
LONG_ACCENTED = (
    "Kantor Kécamatan Cilédug Sélatan — Pelayanan Térpadu Satu Pintu Kabupatén Tangérang " * 4
)
NAMES = [
    pytest.param(LONG_ACCENTED, id="long-accented"),
    pytest.param("é" * 300, id="300-e-acute"),
    pytest.param("Kantor 🏛️ Kecamatan ✨" * 20, id="emoji"),
    pytest.param("ملتقى الخدمة العامة " * 10, id="arabic-script"),
]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("abc", 5, "abc"), ("ééé", 5, "éé"), ("ééé", 1, ""), ("a🏛b", 4, "a"), ("a🏛b", 5, "a🏛")],
)
def test_truncate_utf8_never_cuts_a_character(text: str, limit: int, expected: str) -> None:
    assert truncate_utf8(text, limit) == expected


@pytest.mark.parametrize("office", NAMES)
def test_the_instance_name_is_one_dns_label(office: str) -> None:
    name = instance_name(office, "kantor-pc.example")
    assert len(name.encode("utf-8")) <= MAX_LABEL_BYTES
    assert name.endswith(" kantor-pc")
    assert name.split()[0] == office.split()[0][: len(name.split()[0])]


@pytest.mark.parametrize("office", NAMES)
async def test_a_long_office_name_is_advertised_and_found_by_a_client(office: str) -> None:
    advertiser = Advertiser(office, 18471, "127.0.0.1", LOOPBACK)
    label = advertiser.info.name.removesuffix("." + SERVICE_TYPE)
    assert len(label.encode("utf-8")) <= MAX_LABEL_BYTES
    for key, value in advertiser.info.properties.items():
        assert value is not None and len(key) + 1 + len(value) <= MAX_TXT_STRING_BYTES
    await advertiser.start()
    try:
        # a client configured with the full office name finds exactly this server
        found = await find_server(timeout_s=5.0, interfaces=list(LOOPBACK), office=office)
    finally:
        await advertiser.stop()
    assert found.url == "http://127.0.0.1:18471"
    assert found.office is not None and office.startswith(found.office)
    assert len(found.office.encode("utf-8")) == len(
        truncate_utf8(office, MAX_TXT_STRING_BYTES - len("office=")).encode("utf-8")
    )


def test_the_advert_names_this_host() -> None:
    advertiser = Advertiser(LONG_ACCENTED, 18472, "127.0.0.1", LOOPBACK)
    host = socket.gethostname().split(".")[0]
    assert advertiser.info.server == f"{truncate_utf8(host, MAX_LABEL_BYTES)}.local."


@pytest.mark.slow
async def test_the_server_starts_and_is_found_with_a_long_accented_office_name(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    office = "Pélayanan Térpadu " * 20  # 380 bytes of UTF-8
    server = live_server_factory(
        f'[office]\nname = "{office}"\n[server]\nzeroconf_interfaces = ["127.0.0.1"]\n',
        zeroconf=True,
    )
    found = await find_server(timeout_s=10.0, interfaces=list(LOOPBACK), office=office)
    assert found.url == server.url
    assert "Traceback" not in server.log()


@pytest.mark.parametrize("office", NAMES)
def test_the_name_still_fits_when_zeroconf_renames_it_after_a_clash(office: str) -> None:
    # an active server and its standby, or two offices that copied one config: zeroconf
    # renames the second ("… kantor-pc-2"), which must still be one DNS label
    renamed = instance_name(office, "kantor-pc.example") + "-99"
    assert len(renamed.encode("utf-8")) <= MAX_LABEL_BYTES
