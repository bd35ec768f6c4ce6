"""/admin over HTTP against the real server: sign-in, sessions, CSRF, roles, the audit
trail, closing a service with a reason, devices, and the `user` CLI."""

from __future__ import annotations

import asyncio
import html
import io
import re
import sqlite3
import tomllib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from server.accounts import FAILURE_WINDOW_S, hash_secret
from server.main import main
from server.storage.port import AccountRole, Role
from tests.server.conftest import Running, StartOffice

PASSWORD = "kata-sandi-rahasia"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_account(office: Running, name: str, role: AccountRole, secret: str = PASSWORD) -> None:
    office.office.store.create_account(name, role, hash_secret(secret), datetime.now(UTC))


async def ask_to_pair(office: Running, device: str | None = None) -> dict[str, Any]:
    """A new device asks to be paired (`POST /pairings`, no token): the pairing it gets."""
    body = {"device": device} if device else {}
    async with office.session.post(office.api + "/pairings", json=body) as answer:
        assert answer.status == 201
        return dict(await answer.json())


class Browser:
    """An HTTP client with its own cookie jar, as one supervisor's browser."""

    def __init__(self, office: Running) -> None:
        self.office = office
        self.base = f"http://127.0.0.1:{office.server.port}"
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def close(self) -> None:
        await self.session.close()

    async def get(self, path: str) -> tuple[int, str]:
        async with self.session.get(self.base + path, allow_redirects=False) as answer:
            text = await answer.text()
            found = CSRF.search(text)
            if found:
                self.csrf = found.group(1)
            return answer.status, text

    async def post(
        self, path: str, form: dict[str, str], csrf: bool = True
    ) -> tuple[int, str, str]:
        data = {"csrf": self.csrf, **form} if csrf else form
        async with self.session.post(self.base + path, data=data, allow_redirects=False) as answer:
            return answer.status, await answer.text(), answer.headers.get("Location", "")

    async def api(
        self, method: str, path: str, body: Any = None, csrf: bool = True
    ) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        async with self.session.request(
            method, self.base + "/api/v1" + path, json=body, headers=headers
        ) as answer:
            return answer.status, await answer.json()

    async def sign_in(self, name: str, password: str = PASSWORD) -> tuple[int, str, str]:
        await self.get("/admin/login")
        answer = await self.post("/admin/login", {"name": name, "password": password})
        await self.get("/admin")  # the signed-in session's CSRF token
        return answer


class Browsers:
    """Opens browsers on an office (`browsers(office)`); the fixture closes them all."""

    def __init__(self) -> None:
        self.opened: list[Browser] = []

    def __call__(self, office: Running) -> Browser:
        browser = Browser(office)
        self.opened.append(browser)
        return browser

    async def signed_in(self, office: Running, name: str, role: AccountRole) -> Browser:
        """A new account `name` with `role`, and a browser signed in with it."""
        add_account(office, name, role)
        browser = self(office)
        await browser.sign_in(name)
        return browser


@pytest.fixture
async def browsers() -> AsyncIterator[Browsers]:
    opened = Browsers()
    yield opened
    for browser in opened.opened:
        await browser.close()


async def test_signing_in_sets_a_strict_http_only_cookie_and_opens_the_dashboard(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    add_account(office, "Supervisor Rina", AccountRole.SUPERVISOR)
    browser = browsers(office)
    status, _ = await browser.get("/admin")
    assert status == 303
    status, page = await browser.get("/admin/login")
    assert status == 200 and "Masuk ke halaman admin" in page
    async with browser.session.post(
        browser.base + "/admin/login",
        data={"csrf": browser.csrf, "name": "supervisor rina", "password": PASSWORD},
        allow_redirects=False,
    ) as answer:
        assert (answer.status, answer.headers["Location"]) == (303, "/admin")
        cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on the office LAN
    status, page = await browser.get("/admin")
    assert status == 200 and "Dasbor hari ini" in page and "Supervisor Rina" in page


async def test_a_wrong_password_says_so_and_the_sixth_try_is_refused_for_minutes(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    add_account(office, "rina", AccountRole.SUPERVISOR)
    browser = browsers(office)
    await browser.get("/admin/login")
    for _ in range(4):
        status, page, _ = await browser.post("/admin/login", {"name": "rina", "password": "x"})
        assert status == 401 and "Nama atau kata sandi salah." in page
    status, page, _ = await browser.post("/admin/login", {"name": "rina", "password": "x"})
    assert status == 429 and "Terlalu banyak percobaan; coba lagi dalam 5 menit" in page
    # now even the right password is refused, from this address, for this name
    status, page, _ = await browser.post("/admin/login", {"name": "RINA", "password": PASSWORD})
    assert status == 429 and "Terlalu banyak percobaan" in page
    assert FAILURE_WINDOW_S == 300
    # another name from the same address is not blocked
    add_account(office, "budi", AccountRole.ADMIN)
    status, _, location = await browser.post("/admin/login", {"name": "budi", "password": PASSWORD})
    assert (status, location) == (303, "/admin")


async def test_an_unknown_name_and_a_disabled_account_get_the_same_answer(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    add_account(office, "lama", AccountRole.SUPERVISOR)
    office.office.store.disable_account("lama", datetime.now(UTC))
    browser = browsers(office)
    await browser.get("/admin/login")
    for name in ("lama", "tidak-ada"):
        status, page, _ = await browser.post("/admin/login", {"name": name, "password": PASSWORD})
        assert status == 401 and "Nama atau kata sandi salah." in page


async def test_a_clerk_cannot_sign_in_to_admin(start_office: StartOffice, browsers: Any) -> None:
    office = await start_office()
    add_account(office, "siti", AccountRole.CLERK, "2468")
    browser = browsers(office)
    await browser.get("/admin/login")
    status, page, _ = await browser.post("/admin/login", {"name": "siti", "password": "2468"})
    assert status == 403 and "Akun petugas loket tidak dapat membuka halaman admin." in page
    status, _ = await browser.get("/admin")
    assert status == 303


async def test_a_post_without_the_csrf_token_is_refused(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    browser = await browsers.signed_in(office, "rina", AccountRole.SUPERVISOR)
    status, page, _ = await browser.post("/admin/services/A/close", {"reason": "x"}, csrf=False)
    assert status == 403 and "Formulir kedaluwarsa" in page
    status, page, _ = await browser.post(
        "/admin/services/A/close", {"reason": "x", "csrf": "salah"}, csrf=False
    )
    assert status == 403
    status, body = await browser.api("POST", "/services/A/close", {"reason": "x"}, csrf=False)
    assert (status, body["error"]) == (403, "csrf")
    status, body = await browser.api("GET", "/services")
    assert body["services"][0]["open"] is True  # nothing was closed
    # the sign-in form needs the token too (no login CSRF)
    other = browsers(office)
    await other.get("/admin/login")
    status, _, _ = await other.post("/admin/login", {"name": "rina", "password": PASSWORD}, False)
    assert status == 403


async def test_signing_out_ends_the_session(start_office: StartOffice, browsers: Any) -> None:
    office = await start_office()
    browser = await browsers.signed_in(office, "rina", AccountRole.SUPERVISOR)
    cookie = browser.session.cookie_jar.filter_cookies(URL(browser.base))["antrian_session"].value
    status, _, location = await browser.post("/admin/logout", {})
    assert (status, location) == (303, "/admin/login")
    status, _ = await browser.get("/admin")
    assert status == 303
    # the old cookie is worth nothing now
    async with (
        aiohttp.ClientSession(cookies={"antrian_session": cookie}) as replay,
        replay.get(browser.base + "/api/v1/admin/dashboard") as answer,
    ):
        assert answer.status == 401


async def test_a_supervisor_cannot_open_accounts_and_an_admin_can(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    add_account(office, "rina", AccountRole.SUPERVISOR)
    add_account(office, "budi", AccountRole.ADMIN)
    supervisor, admin = browsers(office), browsers(office)
    await supervisor.sign_in("rina")
    status, page = await supervisor.get("/admin/accounts")
    assert status == 403 and "Tidak diizinkan" in page
    assert 'href="/admin/accounts"' not in (await supervisor.get("/admin"))[1]
    status, _, _ = await supervisor.post(
        "/admin/accounts",
        {"name": "x", "role": "admin", "password": PASSWORD, "password_again": PASSWORD},
    )
    assert status == 403
    status, page = await supervisor.get("/admin/devices")
    assert status == 200
    await admin.sign_in("budi")
    status, page = await admin.get("/admin/accounts")
    assert status == 200 and "rina" in page


async def test_an_admin_creates_disables_and_resets_accounts_and_the_trail_shows_it(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    admin = await browsers.signed_in(office, "budi", AccountRole.ADMIN)
    evil = "<b>Rina</b><script>alert(1)</script>"
    form = {"name": evil, "role": "supervisor", "password": "pendek", "password_again": "pendek"}
    status, page, _ = await admin.post("/admin/accounts", form)
    assert status == 400 and "Kata sandi minimal 8 karakter." in page
    form.update(password=PASSWORD, password_again=PASSWORD + "x")
    status, page, _ = await admin.post("/admin/accounts", form)
    assert status == 400 and "Kedua kata sandi tidak sama." in page
    form.update(password_again=PASSWORD)
    status, _, location = await admin.post("/admin/accounts", form)
    assert (status, location) == (303, "/admin/accounts?done=created")
    status, page = await admin.get("/admin/accounts")
    assert "&lt;b&gt;Rina&lt;/b&gt;&lt;script&gt;" in page and "<script>alert" not in page
    status, page, _ = await admin.post("/admin/accounts", form)
    assert status == 400 and "sudah ada" in page
    created = next(a for a in office.office.store.list_accounts() if a.name == evil)
    supervisor = browsers(office)
    await supervisor.sign_in(evil)
    assert (await supervisor.get("/admin"))[0] == 200
    new = "kata-sandi-baru-1"
    status, _, _ = await admin.post(
        f"/admin/accounts/{created.id}/password", {"password": new, "password_again": new}
    )
    assert status == 303
    status, _, _ = await admin.post(f"/admin/accounts/{created.id}/disable", {})
    assert status == 303
    assert (await supervisor.get("/admin"))[0] == 303  # its session ended with it
    status, page = await admin.get("/admin/audit")
    for action in ("membuat akun", "menonaktifkan akun", "mengganti kata sandi"):
        assert action in page
    assert "&lt;b&gt;Rina&lt;/b&gt;" in page and "<b>Rina" not in page
    own = next(a for a in office.office.store.list_accounts() if a.name == "budi")
    status, page, _ = await admin.post(f"/admin/accounts/{own.id}/disable", {})
    assert status == 400 and "akun Anda sendiri" in page


async def test_closing_a_service_with_a_reason_reaches_the_kiosk_the_record_and_a_restart(
    start_office: StartOffice, browsers: Any, tmp_path: Path
) -> None:
    office = await start_office()
    browser = await browsers.signed_in(office, "rina", AccountRole.SUPERVISOR)
    reason = "Jaringan SIAK   sedang\ngangguan"
    status, _, location = await browser.post("/admin/services/A/close", {"reason": reason})
    assert (status, location) == (303, "/admin?done=closed")
    status, body = await office.get("/services")
    service = body["services"][0]
    assert (service["open"], service["closed_reason"], service["closed_note"]) == (
        False, "closed", "Jaringan SIAK sedang gangguan",
    )  # fmt: skip
    status, body = await office.post("/tickets", "kiosk", {"service": "A"})
    assert (status, body["reason"]) == (409, "closed")
    async with office.session.get(office.api + "/log", headers=office.auth("admin")) as answer:
        events = (await answer.json())["events"]
    closing = next(event for event in events if event["type"] == "service.changed")
    assert closing["data"]["by"] == "rina"
    assert closing["data"]["services"]["A"]["closed_note"] == "Jaringan SIAK sedang gangguan"
    page = (await browser.get("/admin/audit"))[1]
    assert "menutup layanan" in page and "A: Jaringan SIAK sedang gangguan" in page
    # the reason is stored with the service's state: a restarted server still shows it
    await browser.close()
    await office.session.close()
    await office.server.close()
    await office.office.close()
    again = await start_office(data_dir=tmp_path / "data")
    status, body = await again.get("/services")
    assert body["services"][0]["closed_note"] == "Jaringan SIAK sedang gangguan"
    status, service = await again.post("/services/A/open", "admin")
    assert (service["open"], service["closed_note"]) == (True, None)


async def test_the_close_api_takes_an_optional_reason_of_at_most_120_characters(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    status, body = await office.post("/services/B/close", "admin", {"reason": "x" * 121})
    assert (status, body["error"]) == (400, "bad_request")
    status, body = await office.post("/services/B/close", "admin", {"reason": 5})
    assert status == 400
    status, body = await office.post("/services/B/close", "admin", {"reason": "\x00"})
    assert status == 400
    status, body = await office.post("/services/Z/close", "admin", {"reason": "x"})
    assert (status, body["error"]) == (404, "unknown_service")
    status, body = await office.post("/services/B/close", "admin", {"reason": "y" * 120})
    assert (status, body["closed_note"]) == (200, "y" * 120)
    status, body = await office.post("/services/B/close", "admin")
    assert (status, body["closed_note"]) == (200, None)  # closing again without a reason


async def test_an_admin_token_and_a_session_both_read_the_dashboard_json(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    for _ in range(3):
        await office.post("/tickets", "kiosk", {"service": "B"})
    await office.post("/counters/2/next", "counter2")
    async with office.session.get(
        office.api + "/admin/dashboard", headers=office.auth("admin")
    ) as answer:
        assert answer.status == 200
        view = await answer.json()
    assert view["today"] == {"issued": 3, "served": 0, "no_show": 0, "waiting": 2}
    service_b = view["services"][1]
    assert (service_b["waiting"], service_b["longest_wait_text"]) == (2, "< 1 menit")
    assert view["counters"][1]["current_text"] == "B001"
    assert re.fullmatch(r"\d\d\.\d\d", view["time_text"])
    async with office.session.get(
        office.api + "/admin/dashboard", headers=office.auth("kiosk")
    ) as answer:
        assert answer.status == 403
    async with office.session.get(office.api + "/admin/dashboard") as answer:
        assert answer.status == 401


async def test_revoking_a_device_closes_its_socket_at_once_and_is_in_the_trail(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    browser = await browsers.signed_in(office, "rina", AccountRole.SUPERVISOR)
    display = next(t for t in office.office.store.list_tokens() if t.name == "display")
    async with office.session.ws_connect(
        office.api + "/events", headers=office.auth("display")
    ) as socket:
        await socket.receive_json()  # the snapshot
        page = (await browser.get("/admin/devices"))[1]
        assert "terhubung" in page
        started = asyncio.get_running_loop().time()
        status, _, location = await browser.post(f"/admin/devices/{display.id}/revoke", {})
        assert (status, location) == (303, "/admin/devices?done=revoked")
        message = await asyncio.wait_for(socket.receive(), 2.0)
        assert message.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
        assert asyncio.get_running_loop().time() - started < 1.0
    status, _ = await office.post("/tickets", "display", {"service": "A"})
    assert status == 401
    page = (await browser.get("/admin/audit"))[1]
    assert "mencabut perangkat" in page and "display (display)" in page
    status, _, _ = await browser.post(f"/admin/devices/{display.id}/revoke", {})
    assert status == 404  # already revoked


async def test_a_device_name_with_markup_shows_as_text(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    add_account(office, "rina", AccountRole.SUPERVISOR)
    evil = '<img src=x onerror="alert(1)">Kiosk'
    office.office.store.create_token(Role.KIOSK, evil, None, datetime.now(UTC))
    browser = browsers(office)
    await browser.sign_in("rina")
    page = (await browser.get("/admin/devices"))[1]
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Kiosk" in page
    assert "<img src=x" not in page


async def test_unknown_admin_pages_and_bad_ids_are_friendly_4xx(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    browser = await browsers.signed_in(office, "budi", AccountRole.ADMIN)
    assert (await browser.get("/admin/tidak-ada"))[0] == 404
    assert (await browser.post("/admin/devices/abc/revoke", {}))[0] == 404
    assert (await browser.post("/admin/devices/99999/revoke", {}))[0] == 404
    assert (await browser.post("/admin/accounts/99999/disable", {}))[0] == 404
    assert (await browser.post("/admin/services/Z/close", {}))[0] == 404
    assert (await browser.post("/admin/services/A/close", {"reason": "x" * 121}))[0] == 400
    status, page = await browser.get("/admin/language?to=en&back=/admin")
    assert status == 303
    status, page = await browser.get("/admin")
    assert "Today&#39;s dashboard" in page or "Today's dashboard" in page
    status, _ = await browser.get("/admin/language?to=id&back=//evil.example")
    assert status == 303


# ------------------------------------------------------------------ the user CLI


def run_cli(
    data_dir: Path, *arguments: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch
) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data_dir), "user", *arguments])


def test_user_create_list_passwd_and_disable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run_cli(data, "create", "Rina", "--role", "supervisor", stdin=PASSWORD + "\n",
                   monkeypatch=monkeypatch) == 0  # fmt: skip
    assert run_cli(data, "create", "siti", "--role", "clerk", stdin="2468\n",
                   monkeypatch=monkeypatch) == 0  # fmt: skip
    capsys.readouterr()
    assert run_cli(data, "list", monkeypatch=monkeypatch) == 0
    listed = capsys.readouterr().out
    assert "supervisor\tRina" in listed and "clerk\tsiti" in listed
    assert "argon2" not in listed and PASSWORD not in listed
    with sqlite3.connect(data / "antrian.sqlite3") as connection:
        hashes = [row[0] for row in connection.execute("SELECT secret_hash FROM accounts")]
    assert all(value.startswith("$argon2id$") for value in hashes)
    assert run_cli(data, "passwd", "rina", stdin="kata-sandi-baru\n", monkeypatch=monkeypatch) == 0
    assert run_cli(data, "disable", "RINA", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    run_cli(data, "list", monkeypatch=monkeypatch)
    assert "NONAKTIF" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (("create", "siti", "--role", "clerk"), "12\n", "PIN petugas loket harus 4 sampai 8 angka"),
        (("create", "siti", "--role", "clerk"), "12ab\n", "PIN petugas loket harus 4 sampai 8"),
        (("create", "rina", "--role", "admin"), "pendek\n", "Kata sandi minimal 8 karakter."),
        (("create", "rina", "--role", "admin"), "", "Kata sandi minimal 8 karakter."),
        (("create", "  ", "--role", "admin"), PASSWORD, "Nama akun tidak boleh kosong."),
        (("create", "a\x07b", "--role", "admin"), PASSWORD, "tidak dapat ditampilkan"),
        (("create", "ada", "--role", "admin"), PASSWORD, "Akun bernama “ada” sudah ada."),
        (("create", "ADA", "--role", "admin"), PASSWORD, "sudah ada"),
        (("passwd", "tidak-ada"), PASSWORD, "Tidak ada akun bernama “tidak-ada”."),
        (("disable", "tidak-ada"), "", "Tidak ada akun bernama"),
    ],
)
def test_user_mistakes_end_with_one_indonesian_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: tuple[str, ...],
    stdin: str,
    message: str,
) -> None:
    data = tmp_path / "data"
    run_cli(data, "create", "ada", "--role", "admin", stdin=PASSWORD, monkeypatch=monkeypatch)
    capsys.readouterr()
    assert run_cli(data, *arguments, stdin=stdin, monkeypatch=monkeypatch) != 0
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and message in error[0], error


def test_disabling_twice_is_a_mistake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    run_cli(data, "create", "ada", "--role", "admin", stdin=PASSWORD, monkeypatch=monkeypatch)
    assert run_cli(data, "disable", "ada", monkeypatch=monkeypatch) == 0
    assert run_cli(data, "disable", "ada", monkeypatch=monkeypatch) != 0
    assert "sudah nonaktif" in capsys.readouterr().err


async def test_the_running_server_sees_the_clis_changes_within_a_second(
    start_office: StartOffice,
    browsers: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office = await start_office()
    data = tmp_path / "data"
    if office.office.config.server.database:  # the CLI with the server's environment
        monkeypatch.setenv("ANTRIAN_DATABASE_URL", office.office.config.server.database)
    code = await asyncio.to_thread(
        run_cli, data, "create", "rina", "--role", "supervisor", stdin=PASSWORD,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    browser = browsers(office)
    _, _, location = await browser.sign_in("rina")
    assert location == "/admin"
    assert (await browser.api("GET", "/admin/dashboard"))[0] == 200
    code = await asyncio.to_thread(run_cli, data, "disable", "rina", monkeypatch=monkeypatch)
    assert code == 0
    started = asyncio.get_running_loop().time()
    while (await browser.api("GET", "/admin/dashboard"))[0] != 401:
        assert asyncio.get_running_loop().time() - started < 1.0
        await asyncio.sleep(0.05)
    page = (await browser.get("/admin/audit"))[1]  # signed out: redirected
    assert page == "" or "Masuk" in page


class Terminal(io.StringIO):
    """stdin that says it is a terminal (the password is then asked with getpass)."""

    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_password_is_asked_twice_and_must_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers: list[str] = []
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("sys.stdin", Terminal())
    data = tmp_path / "data"
    answers[:] = [PASSWORD, PASSWORD + "x"]
    assert main(["--data-dir", str(data), "user", "create", "rina", "--role", "admin"]) != 0
    assert "Kedua kata sandi tidak sama." in capsys.readouterr().err
    answers[:] = [PASSWORD, PASSWORD]
    assert main(["--data-dir", str(data), "user", "create", "rina", "--role", "admin"]) == 0
    assert prompts[-2:] == ["Kata sandi (minimal 8 karakter): ", "Ulangi: "]


async def test_a_supervisor_approves_a_new_device_by_its_code_and_it_gets_its_token(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    base = f"http://127.0.0.1:{office.server.port}/api/v1"
    pairing = await ask_to_pair(office, "tv")
    browser = await browsers.signed_in(office, "rina", AccountRole.SUPERVISOR)
    page = (await browser.get("/admin/devices"))[1]
    assert pairing["code_display"] in page and "menunggu persetujuan" in page
    code = pairing["code"]
    # a counter device needs its loket; a missing name is refused, nothing is made
    for form in ({"role": "counter", "name": "Loket"}, {"role": "display", "name": " "}):
        status, _, location = await browser.post(f"/admin/devices/pairings/{code}/approve", form)
        assert (status, location) == (303, "/admin/devices?done=pairing_bad")
    status, _, location = await browser.post(
        f"/admin/devices/pairings/{code}/approve", {"role": "display", "name": "<b>TV</b> lobi"}
    )
    assert (status, location) == (303, "/admin/devices?done=paired")
    async with office.session.get(f"{base}/pairings/{pairing['id']}") as answer:
        granted = await answer.json()
    assert (granted["role"], granted["name"]) == ("display", "<b>TV</b> lobi")
    async with office.session.get(
        f"{base}/snapshot", headers={"Authorization": f"Bearer {granted['token']}"}
    ) as answer:
        assert answer.status == 200
    again = await browser.post(
        f"/admin/devices/pairings/{code}/approve", {"role": "display", "name": "TV lobi"}
    )
    assert again[2] == "/admin/devices?done=pairing_gone"
    page = (await browser.get("/admin/devices"))[1]
    assert "Tidak ada perangkat yang menunggu" in page
    assert "&lt;b&gt;TV&lt;/b&gt; lobi" in page and "<b>TV</b>" not in page
    assert "menyetujui perangkat baru" in (await browser.get("/admin/audit"))[1]
    # without the form's CSRF token nothing is approved
    other = await ask_to_pair(office)
    refused = await browser.post(
        f"/admin/devices/pairings/{other['code']}/approve",
        {"role": "kiosk", "name": "Kiosk"}, csrf=False,
    )  # fmt: skip
    assert refused[0] == 403


# ------------------------------------------------------------------ every form: CSRF and roles


def admin_form_routes(office: Running) -> set[str]:
    """The POST routes under /admin that the server registers (so a new form is not missed)."""
    return {
        route.resource.canonical
        for route in office.server.app.router.routes()
        if route.method == "POST" and route.resource is not None
        and route.resource.canonical.startswith("/admin")
    }  # fmt: skip


async def test_every_admin_form_refuses_a_post_without_or_with_a_wrong_csrf_token(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    add_account(office, "budi", AccountRole.ADMIN)
    add_account(office, "rina", AccountRole.SUPERVISOR)
    code = (await ask_to_pair(office, "tv"))["code"]
    display = next(t for t in office.office.store.list_tokens() if t.name == "display")
    rina = next(a for a in office.office.store.list_accounts() if a.name == "rina")
    new = "kata-sandi-baru-1"
    forms = {
        "/admin/login": ("/admin/login", {"name": "budi", "password": PASSWORD}),
        "/admin/logout": ("/admin/logout", {}),
        "/admin/services/{code}/{action}": ("/admin/services/A/close", {"reason": "x"}),
        "/admin/devices/{token_id}/revoke": (f"/admin/devices/{display.id}/revoke", {}),
        "/admin/devices/pairings/{code}/approve": (
            f"/admin/devices/pairings/{code}/approve", {"role": "display", "name": "TV"},
        ),
        "/admin/accounts": ("/admin/accounts", {
            "name": "baru", "role": "admin", "password": PASSWORD, "password_again": PASSWORD,
        }),
        "/admin/accounts/{account_id}/{action}": (
            f"/admin/accounts/{rina.id}/password", {"password": new, "password_again": new},
        ),
        "/admin/settings": ("/admin/settings", {"settings": 'office = {name = "Diubah"}'}),
    }  # fmt: skip
    assert set(forms) == admin_form_routes(office)
    forms["disable"] = (f"/admin/accounts/{rina.id}/disable", {})
    forms["open"] = ("/admin/services/B/open", {})
    await office.post("/services/B/close", "admin", {"reason": "tetap tutup"})
    admin = browsers(office)
    await admin.sign_in("budi")
    for path, form in forms.values():
        for token in ({}, {"csrf": "salah"}, {"csrf": admin.csrf[:-1]}):
            status, page, _ = await admin.post(path, {**form, **token}, csrf=False)
            assert (path, status) == (path, 403) and "Formulir kedaluwarsa" in page
    # nothing happened: still signed in, nothing closed, opened, revoked, made or changed
    assert (await admin.get("/admin"))[0] == 200
    _, body = await office.get("/services")
    assert [service["open"] for service in body["services"]] == [True, False, True]
    assert not next(t for t in office.office.store.list_tokens() if t.id == display.id).revoked_at
    assert [a.name for a in office.office.store.list_accounts()] == ["budi", "rina"]
    assert not office.office.store.list_accounts()[1].disabled_at
    supervisor = browsers(office)
    assert (await supervisor.sign_in("rina", new))[0] == 401  # the password was not changed
    async with office.session.get(office.api + "/pairings", headers=office.auth("admin")) as answer:
        assert [p["code"] for p in (await answer.json())["pairings"]] == [code]  # not approved
    # and the right token works
    status, _, location = await admin.post("/admin/logout", {})
    assert (status, location) == (303, "/admin/login")


async def test_a_supervisor_gets_403_on_every_admin_only_form_and_settings(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    add_account(office, "budi", AccountRole.ADMIN)
    add_account(office, "rina", AccountRole.SUPERVISOR)
    budi = next(a for a in office.office.store.list_accounts() if a.name == "budi")
    supervisor = browsers(office)
    await supervisor.sign_in("rina")
    new = "kata-sandi-baru-1"
    for path, form in (
        ("/admin/accounts", {"name": "x", "role": "admin", "password": new,
                             "password_again": new}),
        (f"/admin/accounts/{budi.id}/password", {"password": new, "password_again": new}),
        (f"/admin/accounts/{budi.id}/disable", {}),
    ):  # fmt: skip
        status, page, _ = await supervisor.post(path, form)
        assert (path, status) == (path, 403) and "Tidak diizinkan" in page
    status, _, _ = await supervisor.post("/admin/services/A/close", {"reason": "boleh"})
    assert status == 303  # the token is right: it is the role that was refused above
    async with office.session.get(office.api + "/settings", headers=office.auth("admin")) as got:
        document = await got.json()
    document["services"][0]["name"] = "Diubah supervisor"
    status, body = await supervisor.api("PUT", "/settings", document)
    assert (status, body["error"]) == (403, "forbidden")
    _, body = await office.get("/services")
    assert body["services"][0]["name"] != "Diubah supervisor"
    assert [a.name for a in office.office.store.list_accounts()] == ["budi", "rina"]
    assert not office.office.store.list_accounts()[0].disabled_at
    admin = browsers(office)
    assert (await admin.sign_in("budi"))[2] == "/admin"  # the password is unchanged


# ------------------------------------------------------------------ settings (admin)

TEXTAREA = re.compile(r'<textarea name="settings"[^>]*>(.*?)</textarea>', re.S)


def settings_text(page: str) -> str:
    found = TEXTAREA.search(page)
    assert found, page
    return html.unescape(found.group(1))


async def test_an_admin_changes_the_settings_in_admin_and_they_apply_at_once(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    admin = await browsers.signed_in(office, "budi", AccountRole.ADMIN)
    assert 'href="/admin/settings"' in (await admin.get("/admin"))[1]
    status, page = await admin.get("/admin/settings")
    assert status == 200 and "Pengaturan kantor" in page
    text = settings_text(page)
    document = tomllib.loads(text)
    assert [service["code"] for service in document["services"]] == ["A", "B", "C"]
    assert document["services"][1]["name"] == "Perizinan dan Non-Perizinan"
    evil = "KTP <script>alert(1)</script>"
    changed = text.replace('name = "Perizinan dan Non-Perizinan"', f'name = "{evil}"', 1)
    changed = changed.replace('code = "B"\n', 'code = "B"\ntarget_wait_minutes = 25\n', 1)
    assert changed.count("target_wait_minutes = 25") == 1 and evil in changed
    status, _, location = await admin.post("/admin/settings", {"settings": changed})
    assert (status, location) == (303, "/admin/settings?done=settings_saved")
    _, body = await office.get("/services")
    assert body["services"][1]["name"] == evil
    status, page = await admin.get("/admin/settings?done=settings_saved")
    assert "Pengaturan disimpan dan sudah berlaku." in page
    assert "KTP &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert tomllib.loads(settings_text(page))["services"][1]["target_wait_minutes"] == 25
    page = (await admin.get("/admin/audit"))[1]
    assert "mengubah pengaturan" in page and "budi" in page
    async with office.session.get(office.api + "/log", headers=office.auth("admin")) as answer:
        events = (await answer.json())["events"]
    assert [event["data"]["by"] for event in events if event["type"] == "settings.changed"] == [
        "budi"
    ]


async def test_wrong_settings_in_admin_are_refused_in_indonesian_and_change_nothing(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    admin = await browsers.signed_in(office, "budi", AccountRole.ADMIN)
    text = settings_text((await admin.get("/admin/settings"))[1])
    status, page, _ = await admin.post("/admin/settings", {"settings": text + "\nname = = 1\n"})
    line = len((text + "\nname = = 1\n").splitlines())
    assert status == 400 and f"Baris {line}: penulisan tidak sah" in page
    assert "name = = 1" in settings_text(page)  # the text is kept for fixing
    wrong = text.replace(
        'name = "Loket 3"\nservices = ["B", "C"]', 'name = "Loket 3"\nservices = ["Z"]'
    )
    assert wrong != text
    status, page, _ = await admin.post("/admin/settings", {"settings": wrong})
    assert status == 422 and "Loket 3" in page and "counters[2]" not in page
    await office.post("/tickets", "kiosk", {"service": "C"})
    without_c = re.sub(r'\n\[\[services\]\]\ncode = "C"\n.*?(?=\n\[)', "", text, flags=re.S)
    without_c = without_c.replace('services = ["B", "C"]', 'services = ["B"]')
    assert 'code = "C"' not in without_c and '"C"' not in without_c
    status, page, _ = await admin.post("/admin/settings", {"settings": without_c})
    assert status == 409 and "Layanan C" in page  # C still has someone waiting
    _, body = await office.get("/services")
    assert [service["code"] for service in body["services"]] == ["A", "B", "C"]


async def test_a_supervisor_may_not_open_or_save_the_settings_page(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    supervisor = await browsers.signed_in(office, "rina", AccountRole.SUPERVISOR)
    assert 'href="/admin/settings"' not in (await supervisor.get("/admin"))[1]
    status, page = await supervisor.get("/admin/settings")
    assert status == 403 and "Tidak diizinkan" in page
    status, page, _ = await supervisor.post(
        "/admin/settings", {"settings": '[office]\nname = "Diubah"\n'}
    )
    assert status == 403
    anonymous = browsers(office)
    assert (await anonymous.get("/admin/settings"))[0] == 303


async def test_a_survey_tablet_is_approved_for_one_loket(
    start_office: StartOffice, browsers: Any
) -> None:
    office = await start_office()
    base = f"http://127.0.0.1:{office.server.port}/api/v1"
    pairing = await ask_to_pair(office, "survey")
    browser = await browsers.signed_in(office, "rina", AccountRole.SUPERVISOR)
    page = (await browser.get("/admin/devices"))[1]
    assert '<option value="survey">Tablet survei (SKM)</option>' in page
    url = f"/admin/devices/pairings/{pairing['code']}/approve"
    status, _, location = await browser.post(url, {"role": "survey", "name": "Tablet"})
    assert (status, location) == (303, "/admin/devices?done=pairing_bad")  # no loket
    form = {"role": "survey", "counter": "3", "name": "Tablet loket 3"}
    assert (await browser.post(url, form))[2] == "/admin/devices?done=paired"
    async with office.session.get(f"{base}/pairings/{pairing['id']}") as answer:
        granted = await answer.json()
    assert (granted["role"], granted["counter"]) == ("survey", 3)
    async with office.session.get(
        f"{base}/counters/3/survey", headers={"Authorization": f"Bearer {granted['token']}"}
    ) as answer:
        assert answer.status == 200
    assert "Tablet survei (SKM) 3" in (await browser.get("/admin/devices"))[1]
