"""The SKM survey through the real server, on SQLite and PostgreSQL.

Expected IKM figures are worked out by hand in the comments (IKM = 25 × sum of all
answers ÷ (9 × respondents)).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.web.survey_view import SURVEY_KEY
from tests.server.conftest import Running, StartOffice

ALL_THREES = {f"u{index}": 3 for index in range(1, 10)}


async def served(office: Running, service: str = "A", counter: int = 1) -> dict[str, Any]:
    """A ticket issued, called and finished at `counter`; with its key."""
    status, ticket = await office.post("/tickets", "kiosk", {"service": service})
    assert status == 201
    status, _ = await office.post(f"/counters/{counter}/next", f"counter{counter}")
    assert status == 200
    status, done = await office.post(f"/counters/{counter}/done", f"counter{counter}")
    assert status == 200 and done["status"] == "done"
    ticket["key"] = urlsplit(ticket["check_url"]).query.removeprefix("key=")
    return ticket


async def answer(office: Running, ticket: dict[str, Any], body: Any) -> tuple[int, Any]:
    return await office.post(f"/tickets/{ticket['id']}/survey?key={ticket['key']}", None, body)


async def report(office: Running, query: str) -> tuple[int, Any]:
    async with office.session.get(
        office.api + "/reports/skm?" + query, headers=office.auth("admin")
    ) as response:
        return response.status, await response.json()


def today(office: Running) -> str:
    return office.office.day.day.isoformat()


async def test_an_answer_is_201_and_a_second_one_409(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await served(office)
    status, body = await answer(office, ticket, {"answers": ALL_THREES})
    assert status == 201 and body["number"] == ticket["number"]
    status, body = await answer(office, ticket, {"answers": ALL_THREES})
    assert status == 409 and body["error"] == "already_answered"
    assert body["message"] == "Survei untuk tiket ini sudah diisi; terima kasih."


async def test_only_a_done_ticket_may_be_answered(start_office: StartOffice) -> None:
    office = await start_office()
    status, ticket = await office.post("/tickets", "kiosk", {"service": "A"})
    key = urlsplit(ticket["check_url"]).query.removeprefix("key=")
    status, body = await office.post(
        f"/tickets/{ticket['id']}/survey?key={key}", None, {"answers": ALL_THREES}
    )
    assert status == 409 and body["error"] == "ticket_not_done"
    assert "sudah selesai" in body["message"]


async def test_bad_answers_are_400_with_indonesian_messages(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await served(office)
    missing = dict(ALL_THREES)
    del missing["u7"]
    cases = [
        ({}, "Jawaban survei tidak ada"),
        ({"answers": missing}, "Pertanyaan u7 belum dijawab"),
        ({"answers": {**ALL_THREES, "u2": 5}}, "Jawaban u2 harus angka 1 sampai 4"),
        ({"answers": {**ALL_THREES, "u2": 0}}, "Jawaban u2 harus angka 1 sampai 4"),
        ({"answers": {**ALL_THREES, "u2": True}}, "Jawaban u2 harus angka 1 sampai 4"),
        ({"answers": {**ALL_THREES, "u2": 2.5}}, "Jawaban u2 harus angka 1 sampai 4"),
        ({"answers": {**ALL_THREES, "u10": 1}}, 'Unsur "u10" tidak dikenal'),
        ({"answers": ALL_THREES, "respondent": {"gender": "X"}}, "Isian gender tidak dikenal"),
        ({"answers": ALL_THREES, "respondent": {"age": 7}}, "Umur harus bilangan bulat"),
        ({"answers": ALL_THREES, "respondent": {"age": "tua"}}, "Umur harus bilangan bulat"),
        ({"answers": ALL_THREES, "respondent": {"income": 1}}, 'Isian profil "income"'),
        ({"answers": ALL_THREES, "respondent": "L"}, "Profil responden harus berupa objek"),
        ({"answers": ALL_THREES, "comment": "x" * 1001}, "terlalu panjang"),
        ({"answers": ALL_THREES, "comment": 5}, "harus berupa teks"),
    ]
    for body, message in cases:
        status, answer_body = await answer(office, ticket, body)
        assert status == 400, (body, answer_body)
        assert answer_body["error"] == "invalid_survey"
        assert message in answer_body["message"], (body, answer_body)
    status, answer_body = await answer(office, ticket, b"[1, 2")
    assert status == 400
    # nothing was stored by the refused ones: the first good answer is still accepted
    assert (await answer(office, ticket, {"answers": ALL_THREES}))[0] == 201


async def test_a_wrong_key_is_404(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await served(office)
    status, body = await office.post(
        f"/tickets/{ticket['id']}/survey?key=wrong", None, {"answers": ALL_THREES}
    )
    assert status == 404 and body["error"] == "unknown_ticket"
    status, body = await office.post("/tickets/٣/survey?key=x", None, {"answers": ALL_THREES})
    assert status == 404


async def test_many_answers_at_once_store_one(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await served(office)
    results = await asyncio.gather(
        *(answer(office, ticket, {"answers": ALL_THREES}) for _ in range(12))
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 11
    status, body = await report(office, f"from={today(office)}&to={today(office)}")
    assert status == 200 and body["respondents"] == 1
    # the office goes on: nothing failed in the writer
    assert (await office.post("/tickets", "kiosk", {"service": "A"}))[0] == 201


async def test_the_report_computes_the_ikm_per_period_and_service(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    # service A (counter 1): two respondents, all 4s and all 3s -> NRR 3.5 each -> IKM 87.50 B
    # service B (counter 3): one respondent, all 2s -> IKM 50.00 D
    # together: sums 4+3+2 = 9 per element over 3 -> NRR 3 -> IKM 75.00 C
    a1, a2 = await served(office, "A", 1), await served(office, "A", 1)
    b1 = await served(office, "B", 3)
    await served(office, "C", 3)  # served, no answer: counts in the population only
    fours = {key: 4 for key in ALL_THREES}
    twos = {key: 2 for key in ALL_THREES}
    assert (await answer(office, a1, {"answers": fours, "comment": "Antrian cepat"}))[0] == 201
    assert (await answer(office, a2, {"answers": ALL_THREES}))[0] == 201
    assert (await answer(office, b1, {"answers": twos, "comment": "Kursi kurang"}))[0] == 201
    day = today(office)
    status, body = await report(office, f"from={day}&to={day}")
    assert status == 200
    assert body["respondents"] == 3
    assert body["nrr"] == {key: 3.0 for key in ALL_THREES}
    assert body["nrr_weighted"]["u1"] == round(3 / 9, 6)
    assert (body["ikm"], body["grade"], body["performance"]) == (75.0, "C", "Kurang Baik")
    assert body["population"] == 4
    # Krejcie–Morgan for N = 4: 3.841·4·0.25 / (0.0025·3 + 0.96025) = 3.841/0.96775 = 3.97 -> 4
    assert body["required_respondents"] == 4 and body["enough_respondents"] is False
    services = {row["service"]: row for row in body["services"]}
    assert (services["A"]["ikm"], services["A"]["grade"]) == (87.5, "B")
    assert (services["B"]["ikm"], services["B"]["grade"]) == (50.0, "D")
    assert [item["comment"] for item in body["suggestions"]] == ["Antrian cepat", "Kursi kurang"]
    assert body["suggestions"][0] == {"day": day, "service": "A", "comment": "Antrian cepat"}
    status, only_a = await report(office, f"from={day}&to={day}&service=A")
    assert (only_a["respondents"], only_a["ikm"], only_a["population"]) == (2, 87.5, 2)
    assert [item["comment"] for item in only_a["suggestions"]] == ["Antrian cepat"]


async def test_a_period_without_answers_gives_nulls(start_office: StartOffice) -> None:
    office = await start_office()
    status, body = await report(office, "from=2020-01-01&to=2020-01-31")
    assert status == 200
    assert (body["respondents"], body["nrr"], body["ikm"], body["grade"]) == (0, None, None, None)
    assert body["performance"] is None and body["suggestions"] == []


async def test_bad_report_queries_are_4xx(start_office: StartOffice) -> None:
    office = await start_office()
    for query in ("", "from=2026-13-01&to=2026-12-01", "from=2026-02-01&to=2026-01-01",
                  "from=2020-01-01&to=2022-01-01", "from=٢٠٢٠-01-01&to=2020-01-02"):  # fmt: skip
        status, body = await report(office, query)
        assert status == 400 and body["error"] == "bad_period", query
        assert "Periode salah" in body["message"]
    status, body = await report(office, "from=2026-01-01&to=2026-01-02&service=Z")
    assert status == 404 and "Layanan Z tidak dikenal" in body["message"]
    async with office.session.get(
        office.api + "/reports/skm?from=2026-01-01&to=2026-01-02", headers=office.auth("kiosk")
    ) as response:
        assert response.status == 403


async def test_the_log_has_the_answer_and_the_devices_do_not(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await served(office)
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    first = await asyncio.wait_for(socket.receive_json(), timeout=5)
    assert first["type"] == "snapshot"
    body = {"answers": ALL_THREES, "respondent": {"age": 40, "gender": "P"}, "comment": "Rahasia"}
    assert (await answer(office, ticket, body))[0] == 201
    status, issued = await office.post("/tickets", "kiosk", {"service": "B"})
    assert status == 201
    message = await asyncio.wait_for(socket.receive_json(), timeout=5)
    # the next device message is the ticket, and its prev skips the survey's event
    assert message["type"] == "ticket.issued" and message["ticket"]["id"] == issued["id"]
    await socket.close()
    async with office.session.get(office.api + "/log", headers=office.auth("admin")) as response:
        events = (await response.json())["events"]
    survey = [event for event in events if event["type"] == "survey.answered"]
    assert len(survey) == 1
    assert survey[0]["ticket"] == ticket["id"] and survey[0]["counter"] == 1
    assert survey[0]["data"]["answers"] == ALL_THREES
    assert survey[0]["data"]["service"] == "A"
    assert message["prev"] == survey[0]["id"] - 1
    # the profile and the comment are personal data: not in the append-only record
    assert "Rahasia" not in str(survey[0]) and "respondent" not in survey[0]["data"]


def add_survey_token(office: Running, counter: int) -> str:
    return office.database.create_tokens({f"survey{counter}": ("survey", counter)})[
        f"survey{counter}"
    ]


async def tablet_get(office: Running, counter: int, token: str) -> tuple[int, Any]:
    async with office.session.get(
        f"{office.api}/counters/{counter}/survey", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        return response.status, await response.json()


async def tablet_post(office: Running, counter: int, token: str, body: Any) -> tuple[int, Any]:
    async with office.session.post(
        f"{office.api}/counters/{counter}/survey",
        headers={"Authorization": f"Bearer {token}"},
        json=body,
    ) as response:
        return response.status, await response.json()


async def test_the_tablet_asks_for_the_counters_last_visitor(start_office: StartOffice) -> None:
    office = await start_office()
    token = add_survey_token(office, 3)
    assert await tablet_get(office, 3, token) == (200, {"counter": 3, "ticket": None})
    await served(office, "A", 1)  # another counter's visitor
    ticket = await served(office, "B", 3)
    status, body = await tablet_get(office, 3, token)
    assert status == 200 and body["ticket"]["number"] == ticket["number"]
    assert body["ticket"]["service_name"] == "Perizinan dan Non-Perizinan"
    # another counter's tablet, or a counter token, may not ask
    assert (await tablet_get(office, 1, token))[0] == 403
    assert (await tablet_get(office, 3, office.tokens["counter3"]))[0] == 403
    status, body = await tablet_post(
        office, 3, token, {"ticket": ticket["id"], "answers": ALL_THREES}
    )
    assert status == 201 and body["number"] == ticket["number"]
    # answered: the tablet waits for the next visitor
    assert (await tablet_get(office, 3, token))[1]["ticket"] is None
    status, body = await tablet_post(office, 3, token, {"answers": ALL_THREES})
    assert status == 409 and body["error"] == "no_visitor"


async def test_the_tablet_forgets_a_visitor_after_15_minutes(start_office: StartOffice) -> None:
    office = await start_office()
    token = add_survey_token(office, 1)
    ticket = await served(office, "A", 1)
    office.clock.now += timedelta(minutes=14, seconds=59)
    assert (await tablet_get(office, 1, token))[1]["ticket"]["id"] == ticket["id"]
    office.clock.now += timedelta(seconds=2)
    assert (await tablet_get(office, 1, token))[1]["ticket"] is None


async def test_the_tablet_refuses_an_answer_for_a_visitor_no_longer_shown(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    token = add_survey_token(office, 1)
    first = await served(office, "A", 1)
    await served(office, "A", 1)  # the next visitor was served meanwhile
    status, body = await tablet_post(
        office, 1, token, {"ticket": first["id"], "answers": ALL_THREES}
    )
    assert status == 409 and body["error"] == "no_visitor"


async def test_a_no_show_last_means_nobody_to_ask(start_office: StartOffice) -> None:
    office = await start_office()
    token = add_survey_token(office, 1)
    await served(office, "A", 1)
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/counters/1/next", "counter1")
    assert (await office.post("/counters/1/no-show", "counter1"))[0] == 200
    assert (await tablet_get(office, 1, token))[1]["ticket"] is None


async def test_retention_deletes_old_profiles_and_keeps_the_answers(
    start_office: StartOffice,
) -> None:
    office = await start_office({"survey": {"retention_days": 30}})
    old = await served(office)
    body = {"answers": ALL_THREES, "respondent": {"age": 33, "gender": "L"}, "comment": "Lama"}
    assert (await answer(office, old, body))[0] == 201
    old_day = today(office)
    office.clock.now += timedelta(days=31)
    recent = await served(office)
    body = {"answers": {key: 4 for key in ALL_THREES}, "comment": "Baru"}
    assert (await answer(office, recent, body))[0] == 201
    desk = office.server.app[SURVEY_KEY]
    assert await desk.apply_retention() == 1
    assert await desk.apply_retention() == 0
    status, whole = await report(office, f"from={old_day}&to={today(office)}")
    # both answers stay: all 3s and all 4s -> NRR 3.5 each -> IKM = 3.5 × 25 = 87.50
    assert status == 200
    assert whole["respondents"] == 2 and whole["ikm"] == 87.5
    assert [item["comment"] for item in whole["suggestions"]] == ["Baru"]


async def test_survey_tokens_are_paired_for_one_counter(start_office: StartOffice) -> None:
    office = await start_office()
    status, started = await office.post("/pairings", None, {"device": "survey"})
    assert status == 201
    approve = {"role": "survey", "name": "Tablet loket 2"}
    status, body = await office.post(f"/pairings/{started['code']}/approve", "admin", approve)
    assert status == 400 and "counter" in body["message"]
    approve["counter"] = 2
    status, body = await office.post(f"/pairings/{started['code']}/approve", "admin", approve)
    assert status == 201 and (body["role"], body["counter"]) == ("survey", 2)


async def test_the_report_counts_the_respondents_profiles(start_office: StartOffice) -> None:
    office = await start_office()
    profiles = [
        {"gender": "P", "education": "SMA", "occupation": "wirausaha", "age": 30},
        {"gender": "P", "education": "D4-S1"},
        {"gender": "L", "occupation": "wirausaha"},
        {},
    ]
    for respondent in profiles:
        ticket = await served(office)
        body = {"answers": ALL_THREES, "respondent": respondent}
        assert (await answer(office, ticket, body))[0] == 201
    day = today(office)
    status, body = await report(office, f"from={day}&to={day}")
    assert status == 200 and body["respondents"] == 4
    assert body["profile"] == {
        "gender": {"L": 1, "P": 2},
        "education": {"D4-S1": 1, "SMA": 1},
        "occupation": {"wirausaha": 2},
    }


async def test_the_retention_job_runs_by_itself(
    start_office: StartOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("server.survey.RETENTION_FIRST_S", 0.05)
    monkeypatch.setattr("server.survey.RETENTION_EVERY_S", 0.05)
    office = await start_office({"survey": {"retention_days": 1}})
    ticket = await served(office)
    body = {"answers": ALL_THREES, "comment": "Kipas angin rusak"}
    assert (await answer(office, ticket, body))[0] == 201
    day = today(office)
    await asyncio.sleep(0.3)  # a day not yet over: kept
    assert [item["comment"] for item in (await report(office, f"from={day}&to={day}"))[1][
        "suggestions"
    ]] == ["Kipas angin rusak"]  # fmt: skip
    office.clock.now += timedelta(days=2)
    for _ in range(100):
        if not (await report(office, f"from={day}&to={day}"))[1]["suggestions"]:
            break
        await asyncio.sleep(0.05)
    status, kept = await report(office, f"from={day}&to={day}")
    assert status == 200 and kept["suggestions"] == [] and kept["respondents"] == 1


async def test_the_latest_months_ikm_reaches_the_waiting_room(start_office: StartOffice) -> None:
    office = await start_office()

    async def figures() -> dict[str, Any]:
        async with office.session.get(
            office.api + "/snapshot", headers=office.auth("display")
        ) as response:
            body: dict[str, Any] = (await response.json())["figures"]
            return body

    assert (await figures())["ikm"] is None
    # all 4s and all 3s: NRR 3.5 -> IKM 87.50, B
    for values in ({key: 4 for key in ALL_THREES}, ALL_THREES):
        assert (await answer(office, await served(office), {"answers": values}))[0] == 201
    month = office.office.day.day.strftime("%Y-%m")
    for _ in range(100):  # computed off the event loop once each answer is stored
        if (await figures())["ikm"] == 87.5:
            break
        await asyncio.sleep(0.02)
    shown = await figures()
    assert (shown["ikm"], shown["ikm_month"], shown["grade"]) == (87.5, month, "B")
