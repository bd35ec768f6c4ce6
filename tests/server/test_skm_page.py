"""/admin/skm on a real server: the page's figures, suggestions as text, roles, bad ranges;
and the SKM downloads (the reports worker's `skm` job) the survey's `format=xlsx|pdf` answers with.

The SKM figures are hand-made (tests/reports/samples.py), given through the page's source
as the survey's report would give them.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl

from server.reports.worker import ReportJob, render
from server.storage.port import AccountRole
from server.web.skm_pages import SKM_SOURCE_KEY
from tests.reports.samples import SKM
from tests.server.conftest import Running, StartOffice
from tests.server.test_admin import Browser, add_account

ASKED: list[tuple[date, date]] = []


def figures(first: date, last: date) -> dict[str, Any]:
    ASKED.append((first, last))
    return SKM


async def signed_in(office: Running, name: str, role: AccountRole) -> Browser:
    add_account(office, name, role)
    browser = Browser(office)
    await browser.sign_in(name)
    return browser


async def test_the_skm_page_shows_ikm_grade_weakest_and_suggestions_as_text(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    office.server.app[SKM_SOURCE_KEY].figures = figures
    browser = await signed_in(office, "rina", AccountRole.SUPERVISOR)
    try:
        status, page = await browser.get("/admin/skm?period=range&from=2026-11-01&to=2026-11-30")
    finally:
        await browser.close()
    assert status == 200
    assert ASKED[-1] == (date(2026, 11, 1), date(2026, 11, 30))
    assert '<span class="number" id="ikm">81,25</span>' in page
    assert '<span class="number" id="grade">B</span>' in page
    assert '<span id="required">minimal 100</span>' in page
    assert "<li>U8 Penanganan Pengaduan, Saran dan Masukan (2,50)</li>" in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert '<script>alert("x")</script>' not in page
    assert 'href="/api/v1/reports/skm?from=2026-11-01&amp;to=2026-11-30&amp;format=pdf' in page


async def test_the_skm_page_needs_a_supervisor_and_a_readable_range(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    nobody = Browser(office)
    try:
        status, _ = await nobody.get("/admin/skm")
        assert status == 303  # to the sign-in page
    finally:
        await nobody.close()
    browser = await signed_in(office, "budi", AccountRole.ADMIN)
    try:
        status, page = await browser.get("/admin/skm?period=range&from=2026-11-30&to=2026-11-01")
        assert status == 400 and "Periode tidak dapat dibaca" in page
        status, page = await browser.get("/admin/skm?period=today")
        assert status == 200 and "Belum ada responden pada periode ini." in page
    finally:
        await browser.close()


async def test_the_skm_downloads_are_the_published_tables(start_office: StartOffice) -> None:
    office = await start_office({"office": {"name": "Kecamatan Karawaci"}})
    first, last = date(2026, 11, 1), date(2026, 11, 30)

    def download(wanted: str) -> tuple[bytes, str, str]:
        job = ReportJob(kind="skm", first=first, last=last, today=last, format=wanted, skm=SKM)
        rendered = render(job, office.office.config, office.office.data_dir)
        return rendered.body, rendered.content_type, job.filename

    body, content_type, name = download("xlsx")
    assert name == "skm-2026-11-01-2026-11-30.xlsx" and content_type.endswith(".sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Rekapitulasi SKM"]
    assert sheet["A2"].value == "Periode: 1 November 2026 – 30 November 2026"
    body, content_type, name = download("pdf")
    assert (content_type, name) == ("application/pdf", "skm-2026-11-01-2026-11-30.pdf")
    assert body.startswith(b"%PDF")


async def test_skm_file_answers_the_format_asked_for(start_office: StartOffice) -> None:
    """What the survey's `GET /api/v1/reports/skm` answers with `format=`: a download,
    None for JSON, a 400 in Indonesian for anything else."""
    from aiohttp import ClientSession, web
    from aiohttp.test_utils import TestServer

    from server.web.errors import error_middleware
    from server.web.skm_pages import skm_file

    office = await start_office()
    first, last = date(2026, 11, 1), date(2026, 11, 30)

    async def handler(request: web.Request) -> web.Response:
        answer = await skm_file(request, office.office, SKM, first, last)
        return answer if answer is not None else web.json_response({"json": True})

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/skm", handler)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        async with ClientSession() as session:
            base = f"http://127.0.0.1:{server.port}/skm"
            async with session.get(base) as answer:
                assert await answer.json() == {"json": True}
            async with session.get(base + "?format=pdf") as answer:
                assert answer.status == 200
                assert answer.headers["Content-Disposition"] == (
                    'attachment; filename="skm-2026-11-01-2026-11-30.pdf"'
                )
                assert (await answer.read()).startswith(b"%PDF")
            async with session.get(base + "?format=xlsx&lang=en") as answer:
                book = openpyxl.load_workbook(io.BytesIO(await answer.read()))
                assert book.sheetnames[0] == "SKM summary"
            async with session.get(base + "?format=docx") as answer:
                assert answer.status == 400
                body = await answer.json()
                assert body["message"] == "format tidak dikenal: 'docx' (pilihan: json, xlsx, pdf)"
    finally:
        await server.close()
