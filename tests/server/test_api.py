"""API v1 over real HTTP: answers, errors, auth and bad input."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.conftest import Running, StartOffice


def api_url_of(office: Running, check_url: str) -> str:
    """The ticket's JSON for the phone page a check_url opens."""
    parts = urlsplit(check_url)
    ticket_id = parts.path.rsplit("/", 1)[1]
    return f"{office.api}/tickets/{ticket_id}?{parts.query}"


async def test_health_and_services(start_office: StartOffice) -> None:
    office = await start_office({"office": {"name": "Kecamatan Cibodas"}})
    status, health = await office.get("/health")
    assert status == 200
    assert health["status"] == "ok" and health["office"] == "Kecamatan Cibodas"
    status, body = await office.get("/services")
    assert [service["code"] for service in body["services"]] == ["A", "B", "C"]
    assert body["services"][0]["name"] == "Administrasi Kependudukan"
    assert body["services"][0]["open"] is True


async def test_issue_ticket_answers_201_with_number_and_check_url(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    status, first = await office.post("/tickets", "kiosk", {"service": "A"})
    status2, second = await office.post("/tickets", "kiosk", {"service": "a", "priority": False})
    assert (status, status2) == (201, 201)
    assert (first["number"], second["number"]) == ("A001", "A002")
    assert second["people_ahead"] == 1 and second["status"] == "waiting"
    check = second["check_url"]  # the phone page; its JSON is in the API
    assert f"/t/{second['id']}?key=" in check
    async with office.session.get(api_url_of(office, check)) as answer:
        visible = await answer.json()
    assert visible["number"] == "A002" and visible["people_ahead"] == 1
    assert "check_url" not in visible
    status, _ = await office.get(f"/tickets/{second['id']}?key=wrong")
    assert status == 404


async def test_counter_flow_next_recall_transfer_done(start_office: StartOffice) -> None:
    office = await start_office()
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/tickets", "kiosk", {"service": "B"})
    status, called = await office.post("/counters/2/next", "counter2")
    assert status == 200 and called["number"] == "A001" and called["counter"] == 2
    status, recalled = await office.post("/counters/2/recall", "counter2")
    assert recalled["recalls"] == 1
    status, moved = await office.post("/counters/2/transfer", "counter2", {"service": "C"})
    assert (moved["number"], moved["service"], moved["status"]) == ("A001", "C", "waiting")
    status, again = await office.post("/counters/3/next", "counter3")
    assert again["number"] == "A001"  # issued before B001, keeps its place
    status, done = await office.post("/counters/3/done", "counter3")
    assert done["status"] == "done"
    status, error = await office.post("/counters/3/done", "counter3")
    assert (status, error["error"]) == (409, "no_current_ticket")
    status, counters = await office.get("/counters")
    assert [counter["current"] for counter in counters["counters"]] == [None, None, None]


async def test_queue_empty_is_404_with_code(start_office: StartOffice) -> None:
    office = await start_office()
    status, body = await office.post("/counters/1/next", "counter1")
    assert (status, body["error"]) == (404, "queue_empty")
    assert "counter 1" in body["message"]


async def test_no_show_requeue_and_pause(start_office: StartOffice) -> None:
    office = await start_office()
    for _ in range(3):
        await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/counters/1/next", "counter1")
    status, missed = await office.post("/counters/1/no-show", "counter1")
    assert missed["status"] == "no_show"
    status, back = await office.post("/counters/1/requeue", "counter1", {"number": "A001"})
    assert (status, back["status"], back["requeued"]) == (200, "waiting", True)
    status, counter = await office.post("/counters/1/pause", "counter1")
    assert counter["state"] == "paused"
    status, body = await office.post("/counters/1/next", "counter1")
    assert (status, body["error"]) == (409, "counter_paused")
    status, counter = await office.post("/counters/1/resume", "counter1")
    assert counter["state"] == "open"


async def test_void_only_a_waiting_ticket(start_office: StartOffice) -> None:
    office = await start_office()
    _, ticket = await office.post("/tickets", "kiosk", {"service": "B"})
    status, voided = await office.post(f"/tickets/{ticket['id']}/void", "kiosk")
    assert (status, voided["status"]) == (200, "voided")
    status, body = await office.post(f"/tickets/{ticket['id']}/void", "kiosk")
    assert (status, body["error"]) == (409, "invalid_state")
    status, body = await office.post("/counters/3/next", "counter3")
    assert body["error"] == "queue_empty"
    status, body = await office.post("/tickets/99999/void", "kiosk")
    assert (status, body["error"]) == (404, "unknown_ticket")


async def test_admin_closes_and_opens_a_service(start_office: StartOffice) -> None:
    office = await start_office()
    status, service = await office.post("/services/C/close", "admin")
    assert (status, service["open"], service["closed_reason"]) == (200, False, "closed")
    status, body = await office.post("/tickets", "kiosk", {"service": "C"})
    assert (status, body["error"], body["reason"]) == (409, "service_closed", "closed")
    status, body = await office.post("/services/C/close", "kiosk")
    assert (status, body["error"]) == (403, "forbidden")
    status, service = await office.post("/services/C/open", "admin")
    assert service["open"] is True


async def test_auth_missing_wrong_and_other_counter(start_office: StartOffice) -> None:
    office = await start_office()
    status, body = await office.post("/tickets", None, {"service": "A"})
    assert (status, body["error"]) == (401, "unauthorized")
    async with office.session.post(
        office.api + "/tickets", json={"service": "A"}, headers={"Authorization": "Bearer nope"}
    ) as answer:
        assert answer.status == 401
    status, body = await office.post("/tickets", "counter1", {"service": "A"})
    assert (status, body["error"]) == (403, "forbidden")
    status, body = await office.post("/counters/2/next", "counter1")
    assert (status, body["error"]) == (403, "forbidden")
    status, body = await office.post("/counters/2/next", "admin")
    assert (status, body["error"]) == (404, "queue_empty")  # admin may act for any counter


async def test_bad_input_gets_clear_4xx(start_office: StartOffice) -> None:
    office = await start_office()
    cases = [
        (b"{not json", 400, "bad_request"),
        (b"[1, 2]", 400, "bad_request"),
        (b"", 400, "bad_request"),
        (b'{"service": 5}', 400, "bad_request"),
        (b'{"service": "A", "priority": "yes"}', 400, "bad_request"),
        (b'{"service": "Z"}', 404, "unknown_service"),
        ("\udcff".encode("utf-8", "surrogatepass"), 400, "bad_request"),
    ]
    for body, status, code in cases:
        got_status, got = await office.post("/tickets", "kiosk", body)
        assert (got_status, got["error"]) == (status, code), body
        assert got["message"]
    status, body = await office.post("/tickets", "kiosk", b"x" * (65 * 1024))
    assert (status, body["error"]) == (413, "body_too_large")
    status, body = await office.post("/counters/9/next", "admin")
    assert (status, body["error"]) == (404, "unknown_counter")
    status, body = await office.post("/counters/abc/next", "admin")
    assert (status, body["error"]) == (400, "bad_request")
    status, body = await office.post("/counters/1/explode", "admin")
    assert (status, body["error"]) == (404, "not_found")
    async with office.session.delete(office.api + "/tickets") as answer:
        assert answer.status == 405
        assert (await answer.json())["error"] == "method_not_allowed"
    # nothing was issued by all of that
    _, services = await office.get("/services")
    assert sum(service["issued_today"] for service in services["services"]) == 0


FUZZED_PATHS = [
    "/tickets",
    "/counters/1/transfer",
    "/counters/1/requeue",
    "/counters/1/call",
    "/tickets/1/void",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(st.sampled_from(["service", "priority", "number", "x"]), children)
            ),
            max_leaves=8,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    path=st.sampled_from(FUZZED_PATHS),
)
async def test_fuzzed_bodies_never_cause_a_5xx(
    start_office: StartOffice, body: bytes, path: str
) -> None:
    office = await _shared_office(start_office)
    async with office.session.post(
        office.api + path, data=body, headers=office.auth("admin")
    ) as answer:
        assert answer.status < 500, await answer.text()
        payload = await answer.json()
        if answer.status >= 400:
            assert set(payload) >= {"error", "message"}


_SHARED: dict[int, Running] = {}


async def _shared_office(start_office: StartOffice) -> Running:
    key = id(start_office)
    if key not in _SHARED:
        _SHARED.clear()
        _SHARED[key] = await start_office()
    return _SHARED[key]


async def test_database_holds_exactly_what_was_acknowledged(start_office: StartOffice) -> None:
    office = await start_office()
    numbers = []
    for code in "ABAB":
        _, ticket = await office.post("/tickets", "kiosk", {"service": code})
        numbers.append(ticket["number"])
    await office.post("/tickets", "kiosk", {"service": "Q"})
    stored = [row[0] for row in office.database.rows("SELECT number FROM tickets ORDER BY id")]
    assert stored == numbers == ["A001", "B001", "A002", "B002"]


async def test_a_ticket_left_waiting_yesterday_shows_no_place_in_todays_line(
    start_office: StartOffice,
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.server.conftest import Clock

    clock = Clock(datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    office = await start_office(clock=clock)
    _, old = await office.post("/tickets", "kiosk", {"service": "A"})
    clock.now += timedelta(days=1)
    office.office.tick()
    await office.post("/tickets", "kiosk", {"service": "A"})
    async with office.session.get(api_url_of(office, old["check_url"])) as answer:
        seen = await answer.json()
    assert (seen["number"], seen["day"], seen["status"]) == ("A001", "2026-11-24", "waiting")
    assert (seen["people_ahead"], seen["est_wait_s"]) == (0, 0)


async def test_the_same_request_key_gets_the_same_ticket_once(start_office: StartOffice) -> None:
    office = await start_office()
    headers = {**office.auth("kiosk"), "Idempotency-Key": "tap-7f3a9c21"}
    answers = []
    for _ in range(2):
        async with office.session.post(
            office.api + "/tickets", json={"service": "A"}, headers=headers
        ) as answer:
            answers.append(
                (answer.status, answer.headers.get("Idempotent-Replayed"), await answer.json())
            )
    (first_status, first_replayed, first), (second_status, second_replayed, second) = answers
    assert (first_status, second_status) == (201, 201)
    assert (first_replayed, second_replayed) == (None, "true")
    assert second["id"] == first["id"] and second["number"] == "A001"
    assert second["check_url"] == first["check_url"]
    _, services = await office.get("/services")
    assert services["services"][0]["issued_today"] == 1


async def test_request_keys_belong_to_one_device(start_office: StartOffice) -> None:
    office = await start_office()
    numbers = []
    for token in ("kiosk", "admin"):
        headers = {**office.auth(token), "Idempotency-Key": "same-key-123"}
        async with office.session.post(
            office.api + "/tickets", json={"service": "B"}, headers=headers
        ) as answer:
            numbers.append((await answer.json())["number"])
    assert numbers == ["B001", "B002"]


async def test_a_bad_request_key_is_refused(start_office: StartOffice) -> None:
    office = await start_office()
    headers = {**office.auth("kiosk"), "Idempotency-Key": "no spaces allowed"}
    async with office.session.post(
        office.api + "/tickets", json={"service": "A"}, headers=headers
    ) as answer:
        assert answer.status == 400
        assert "Idempotency-Key" in (await answer.json())["message"]


async def test_void_by_request_key_when_the_kiosk_never_got_the_number(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    headers = {**office.auth("kiosk"), "Idempotency-Key": "lost-answer-1"}
    async with office.session.post(
        office.api + "/tickets", json={"service": "C"}, headers=headers
    ) as answer:
        assert answer.status == 201
    status, voided = await office.post("/tickets/void", "kiosk", {"request_key": "lost-answer-1"})
    assert (status, voided["number"], voided["status"]) == (200, "C001", "voided")
    status, body = await office.post("/tickets/void", "kiosk", {"request_key": "never-sent-1"})
    assert (status, body["error"]) == (404, "unknown_ticket")
    status, body = await office.post("/tickets/void", "kiosk", {})
    assert (status, body["error"]) == (400, "bad_request")
    status, body = await office.post("/counters/3/next", "counter3")
    assert body["error"] == "queue_empty"
