"""The visitor's phone page and its live feed over real HTTP (no browser)."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from tests.server.conftest import Clock, Running, StartOffice, issue

JAKARTA = ZoneInfo("Asia/Jakarta")


def base(office: Running) -> str:
    return f"http://127.0.0.1:{office.server.port}"


def page_path(ticket: dict[str, Any]) -> str:
    """The path and query of the ticket's check_url (its host may be a LAN address)."""
    parts = urlsplit(ticket["check_url"])
    return f"{parts.path}?{parts.query}"


async def fetch(office: Running, path: str, **headers: str) -> tuple[int, str, Any]:
    async with office.session.get(base(office) + path, headers=headers) as answer:
        return answer.status, await answer.text(), answer.headers


async def test_check_url_opens_the_phone_page_and_the_json_stays_in_the_api(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    await issue(office)
    await issue(office)
    ticket = await issue(office)
    assert re.search(rf"/t/{ticket['id']}\?key=[A-Za-z0-9_-]+$", ticket["check_url"])
    status, html, headers = await fetch(office, page_path(ticket))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "A003" in html and "Administrasi Kependudukan" in html
    assert "2 orang di depan Anda" in html
    assert "Perkiraan waktu tunggu ±\u00a05\u00a0menit" in html
    assert "Menunggu panggilan" in html
    key = urlsplit(ticket["check_url"]).query
    status, seen = await office.get(f"/tickets/{ticket['id']}?{key}")
    assert status == 200 and seen["number"] == "A003" and seen["people_ahead"] == 2


async def test_the_page_sends_security_headers_and_refreshes_without_javascript(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    ticket = await issue(office)
    _, html, headers = await fetch(office, page_path(ticket))
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy
    assert headers["Cache-Control"] == "no-store"
    assert '<noscript><meta http-equiv="refresh" content="20"></noscript>' in html
    assert "<script>" not in html  # no inline script: only the JSON data block and a file
    assert "http://" not in html.replace(base(office), "") and "https://" not in html


async def test_a_wrong_key_or_id_is_a_friendly_404_page(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await issue(office)
    for path in (
        f"/t/{ticket['id']}?key=wrong",
        f"/t/{ticket['id']}",
        f"/t/{ticket['id'] + 100}?key={ticket['check_url'].split('key=')[1]}",
        "/t/abc?key=x",
        "/t/%D9%A3?key=x",
    ):
        status, html, headers = await fetch(office, path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")
        assert "Tiket tidak ditemukan" in html and "Pindai lagi kode QR" in html
    status, html, _ = await fetch(office, f"/t/{ticket['id']}?key=wrong&lang=en")
    assert status == 404 and "Ticket not found" in html


async def test_lang_en_switches_the_page_to_english(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await issue(office)
    _, html, _ = await fetch(office, page_path(ticket))
    assert f'href="/t/{ticket["id"]}?key=' in html and "&amp;lang=en" in html
    _, html, _ = await fetch(office, page_path(ticket) + "&lang=en")
    assert '<html lang="en">' in html
    assert "You are next" in html and "Waiting to be called" in html
    assert "Population Administration" in html and "Administrasi" not in html
    assert "Bahasa Indonesia" in html


async def test_names_with_markup_are_shown_as_text(start_office: StartOffice) -> None:
    evil = '<script>alert("x")</script>'
    document = {
        "office": {"name": f"Kantor {evil}"},
        "services": [{"code": "A", "name": f"Layanan {evil}", "name_en": "Service"}],
        "counters": [{"number": 1, "services": ["A"], "name": f"Loket <b>1</b>{evil}"}],
    }
    office = await start_office(document)
    ticket = await issue(office)
    await office.post("/counters/1/next", "counter1")
    _, html, _ = await fetch(office, page_path(ticket))
    assert "<script>alert" not in html and "<b>1</b>" not in html
    assert "Kantor &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "silakan ke Loket &lt;b&gt;1&lt;/b&gt;" in html
    # the data block for the script: no "</script>" can end it early
    block = html.split('<script type="application/json" id="config">')[1].split("</script>")[0]
    assert "<" not in block and json.loads(block)["view"]["service"] == f"Layanan {evil}"


async def test_finished_tickets_show_a_plain_final_state(start_office: StartOffice) -> None:
    office = await start_office()
    done, absent, voided = await issue(office), await issue(office), await issue(office)
    await office.post("/counters/1/next", "counter1")
    await office.post("/counters/1/done", "counter1")
    await office.post("/counters/1/next", "counter1")
    await office.post("/counters/1/no-show", "counter1")
    await office.post(f"/tickets/{voided['id']}/void", "kiosk")
    expected = {
        "done": "Terima kasih, layanan Anda sudah selesai",
        "absent": "tetapi Anda tidak datang ke loket",
        "voided": "Tiket ini dibatalkan",
    }
    for name, ticket in (("done", done), ("absent", absent), ("voided", voided)):
        _, html, _ = await fetch(office, page_path(ticket))
        assert expected[name] in html, name
        assert "http-equiv" not in html and "orang di depan" not in html
    _, html, _ = await fetch(office, page_path(done))
    assert "Dipanggil pukul" in html and "ke Loket 1" in html and "Selesai pukul" in html


async def test_an_earlier_days_ticket_shows_its_history_without_a_position(
    start_office: StartOffice,
) -> None:
    clock = Clock(datetime(2026, 11, 24, 13, 5, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    old = await issue(office)
    clock.now += timedelta(days=1)
    office.office.tick()
    await issue(office)
    _, html, _ = await fetch(office, page_path(old))
    assert "A001" in html and "Tiket tanggal Selasa, 24 November 2026" in html
    assert "Diambil pukul 13.05" in html and "Tidak terlayani" in html
    assert "orang di depan" not in html and "http-equiv" not in html
    # its stream sends the history once and ends
    query = urlsplit(old["check_url"]).query
    async with office.session.get(f"{office.api}/tickets/{old['id']}/stream?{query}") as answer:
        text = await asyncio.wait_for(answer.text(), 5)
    message = json.loads(text.split("data: ", 1)[1])
    assert message["view"]["state"] == "unserved" and message["view"]["live"] is False


# ------------------------------------------------------------------ the stream


class Stream:
    """An open server-sent event stream of one ticket, read message by message."""

    def __init__(self, answer: aiohttp.ClientResponse) -> None:
        self.answer = answer

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        while True:
            block = await asyncio.wait_for(self.answer.content.readuntil(b"\n\n"), timeout)
            for line in block.decode().splitlines():
                if line.startswith("data: "):
                    message: dict[str, Any] = json.loads(line[6:])
                    return message

    async def nothing_for(self, seconds: float) -> None:
        with pytest.raises(asyncio.TimeoutError):
            await self.next(timeout=seconds)


async def open_stream(office: Running, ticket: dict[str, Any], lang: str = "") -> Stream:
    query = urlsplit(ticket["check_url"]).query + (f"&lang={lang}" if lang else "")
    answer = await office.session.get(f"{office.api}/tickets/{ticket['id']}/stream?{query}")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/event-stream")
    return Stream(answer)


async def test_the_stream_sends_the_ticket_now_and_when_it_is_called(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    first, mine = await issue(office), await issue(office)
    stream = await open_stream(office, mine)
    now = await stream.next()
    assert now["ticket"]["number"] == "A002" and now["ticket"]["people_ahead"] == 1
    assert now["view"]["ahead"] == "1 orang di depan Anda"
    assert set(now) == {"ticket", "view"}
    await office.post("/counters/1/next", "counter1")  # calls A001: one fewer ahead
    moved = await stream.next()
    assert moved["ticket"]["people_ahead"] == 0 and moved["view"]["ahead"] == "Anda berikutnya"
    await office.post("/counters/2/next", "counter2")  # calls A002 at Loket 2
    called = await stream.next()
    assert called["ticket"]["status"] == "called" and called["ticket"]["counter"] == 2
    assert called["view"]["headline"] == "Nomor Anda dipanggil — silakan ke Loket 2"
    await office.post("/counters/2/recall", "counter2")
    assert (await stream.next())["ticket"]["recalls"] == 1
    await office.post("/counters/2/done", "counter2")
    finished = await stream.next()
    assert finished["view"]["headline"] == "Terima kasih, layanan Anda sudah selesai"
    assert finished["view"]["live"] is False
    assert first["id"] not in {finished["ticket"]["id"]}
    stream.answer.close()


async def test_the_stream_sends_nothing_about_other_tickets(start_office: StartOffice) -> None:
    office = await start_office()
    mine = await issue(office, "A")
    stream = await open_stream(office, mine, lang="en")
    assert (await stream.next())["view"]["ahead"] == "You are next"
    await issue(office, "A")  # behind me: my ticket's JSON does not change
    await issue(office, "B")
    await office.post("/counters/3/next", "counter3")  # calls the B ticket
    await office.post("/counters/3/done", "counter3")
    await stream.nothing_for(1.5)  # longer than the position refresh interval
    await office.post("/counters/1/next", "counter1")  # now mine
    called = await stream.next()
    assert called["ticket"]["id"] == mine["id"]
    assert called["view"]["headline"] == "Your number is called — please go to Loket 1"
    stream.answer.close()


async def test_a_stream_with_a_wrong_key_is_a_404_json(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await issue(office)
    for path in (f"/tickets/{ticket['id']}/stream?key=wrong", "/tickets/999/stream?key=x"):
        status, body = await office.get(path)
        assert status == 404 and body["error"] == "unknown_ticket"
    status, body = await office.get(f"/tickets/{ticket['id']}/stream")
    assert status == 404


async def test_one_ticket_cannot_open_streams_without_end(start_office: StartOffice) -> None:
    from server.web.ticket_feed import MAX_STREAMS_PER_TICKET

    office = await start_office()
    ticket = await issue(office)
    streams = [await open_stream(office, ticket) for _ in range(MAX_STREAMS_PER_TICKET)]
    query = urlsplit(ticket["check_url"]).query
    status, body = await office.get(f"/tickets/{ticket['id']}/stream?{query}")
    assert status == 429 and body["error"] == "too_many_streams"
    for stream in streams:
        stream.answer.close()


async def test_the_polling_fallback_answers_what_the_stream_sends(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    ticket = await issue(office)
    stream = await open_stream(office, ticket)
    streamed = await stream.next()
    status, text, headers = await fetch(office, page_path(ticket).replace("?", "/state?"))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(text) == streamed
    status, _, _ = await fetch(office, f"/t/{ticket['id']}/state?key=wrong")
    assert status == 404
    stream.answer.close()


# ------------------------------------------------------------------ size and address


async def test_the_page_with_its_style_and_script_is_under_30_kb(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    ticket = await issue(office)
    total = 0
    async with office.session.get(
        base(office) + page_path(ticket), headers={"Accept-Encoding": "gzip"}, auto_decompress=False
    ) as answer:
        page = await answer.read()
        assert answer.headers.get("Content-Encoding") in {"gzip", "deflate"}
        total += len(page)
    html = gzip.decompress(page).decode() if page[:2] == b"\x1f\x8b" else ""
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html) if html else []
    assert len(assets) == 3, assets  # icon, style, script
    for asset in assets:
        async with office.session.get(
            base(office) + asset.replace("&amp;", "&"),
            headers={"Accept-Encoding": "gzip"},
            auto_decompress=False,
        ) as answer:
            assert answer.status == 200
            assert "immutable" in answer.headers["Cache-Control"]
            total += len(await answer.read())
    assert total < 30 * 1024, total


async def test_check_url_never_points_phones_at_a_loopback_address(
    start_office: StartOffice, caplog: pytest.LogCaptureFixture
) -> None:
    from server.web import public_address

    public_address._lan_host.cache_clear()
    # an earlier test's program main() may have raised the root logger's level
    caplog.set_level(logging.WARNING, logger="server.web.public_address")
    office = await start_office()
    ticket = await issue(office)
    host = urlsplit(ticket["check_url"]).hostname
    assert host not in {"127.0.0.1", "localhost", "::1"}
    assert urlsplit(ticket["check_url"]).port == office.server.port
    assert "public_url" in caplog.text and "QR" in caplog.text


async def test_check_url_uses_public_url_when_set(start_office: StartOffice) -> None:
    office = await start_office({"server": {"public_url": "http://antrian.kantor.lan:8470/"}})
    ticket = await issue(office)
    assert ticket["check_url"].startswith(f"http://antrian.kantor.lan:8470/t/{ticket['id']}?key=")
