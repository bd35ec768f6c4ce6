"""The phone page's SKM survey as plain HTML (no script): the form, its post, the size."""

from __future__ import annotations

import gzip
import html
import re
from typing import Any
from urllib.parse import urlsplit

from tests.server.conftest import Running, StartOffice
from tests.server.test_survey_api import ALL_THREES, served


def base(office: Running) -> str:
    return f"http://127.0.0.1:{office.server.port}"


def page_path(ticket: dict[str, Any], extra: str = "") -> str:
    return f"/t/{ticket['id']}?key={ticket['key']}{extra}"


async def page(office: Running, path: str) -> tuple[int, str]:
    async with office.session.get(base(office) + path) as answer:
        return answer.status, await answer.text()


async def post_form(
    office: Running, ticket: dict[str, Any], fields: dict[str, str], extra: str = ""
) -> tuple[int, str, str]:
    async with office.session.post(
        base(office) + f"/t/{ticket['id']}/survey?key={ticket['key']}{extra}",
        data=fields,
        allow_redirects=False,
    ) as answer:
        return answer.status, answer.headers.get("Location", ""), await answer.text()


def questions_in_order(text: str) -> list[str]:
    return re.findall(r'<fieldset class="question" id="q-(u\d)">', text)


async def test_a_waiting_ticket_has_no_survey(start_office: StartOffice) -> None:
    office = await start_office()
    status, ticket = await office.post("/tickets", "kiosk", {"service": "A"})
    status, text = await page(office, urlsplit(ticket["check_url"]).path + "?" +
                              urlsplit(ticket["check_url"]).query)  # fmt: skip
    assert status == 200 and "survey-form" not in text and "survey.js" not in text


async def test_a_done_ticket_shows_the_nine_questions_in_the_questionnaires_order(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    ticket = await served(office)
    status, text = await page(office, page_path(ticket))
    assert status == 200
    assert questions_in_order(text) == ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u9", "u8"]
    shown = html.unescape(text)
    assert "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?" in shown
    assert "Dikelola dengan baik" in shown and "Sangat mahal" in shown
    assert shown.count('type="radio"') == 36 and shown.count("required") >= 36
    assert "Pelajar/Mahasiswa" in shown and "D4–S1" in shown
    assert f'action="/t/{ticket["id"]}/survey?key={ticket["key"]}"' in text
    status, english = await page(office, page_path(ticket, "&lang=en"))
    assert "How good are the facilities and infrastructure?" in html.unescape(english)


async def test_the_plain_form_records_the_answer_and_thanks(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await served(office)
    fields = {key: str(value) for key, value in ALL_THREES.items()}
    fields |= {"age": "45", "gender": "P", "education": "SMA", "occupation": "wirausaha",
               "comment": "Ruang tunggu panas"}  # fmt: skip
    status, location, _ = await post_form(office, ticket, fields)
    assert status == 303 and location == page_path(ticket)
    status, text = await page(office, location)
    assert "Terima kasih, jawaban Anda sudah tercatat" in text
    assert "survey-form" not in text
    # a second post (a double tap) changes nothing and thanks again
    status, location, _ = await post_form(office, ticket, fields)
    assert status == 303
    day = office.office.day.day.isoformat()
    async with office.session.get(
        office.api + f"/reports/skm?from={day}&to={day}", headers=office.auth("admin")
    ) as answer:
        body = await answer.json()
    assert body["respondents"] == 1 and body["ikm"] == 75.0
    assert body["suggestions"][0]["comment"] == "Ruang tunggu panas"


async def test_a_form_with_a_missing_answer_comes_back_with_the_answers_kept(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    ticket = await served(office)
    fields = {key: "4" for key in ALL_THREES if key != "u5"} | {"comment": "<b>bagus</b>"}
    status, _, text = await post_form(office, ticket, fields)
    assert status == 400
    assert "Pertanyaan u5 belum dijawab" in text
    assert 'name="u1" value="4" required checked' in text
    assert "&lt;b&gt;bagus&lt;/b&gt;" in text and "<b>bagus</b>" not in text
    status, _, text = await post_form(office, ticket, fields | {"u5": "9"}, "&lang=en")
    assert status == 400 and "Answer u5 must be a number from 1 to 4" in text


async def test_the_form_of_a_ticket_not_done_is_409(start_office: StartOffice) -> None:
    office = await start_office()
    status, ticket = await office.post("/tickets", "kiosk", {"service": "A"})
    ticket["key"] = urlsplit(ticket["check_url"]).query.removeprefix("key=")
    status, _, text = await post_form(office, ticket, {"u1": "1"})
    assert status == 409 and "ticket_not_done" in text
    ticket["key"] = "wrong"
    assert (await post_form(office, ticket, {"u1": "1"}))[0] == 404


async def test_the_done_page_with_the_survey_is_under_30_kb(start_office: StartOffice) -> None:
    office = await start_office()
    ticket = await served(office)
    total = 0
    async with office.session.get(
        base(office) + page_path(ticket), headers={"Accept-Encoding": "gzip"},
        auto_decompress=False,
    ) as answer:  # fmt: skip
        body = await answer.read()
        assert answer.headers.get("Content-Encoding") in {"gzip", "deflate"}
        total += len(body)
    text = gzip.decompress(body).decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', text)
    assert len(assets) == 5, assets  # icon, two styles, two scripts
    assets += [f"/static/face-{value}.svg" for value in (1, 2, 3, 4)]  # from survey.css
    for asset in assets:
        async with office.session.get(
            base(office) + html.unescape(asset), headers={"Accept-Encoding": "gzip"},
            auto_decompress=False,
        ) as answer:  # fmt: skip
            assert answer.status == 200, asset
            total += len(await answer.read())
    assert total < 30 * 1024, total
