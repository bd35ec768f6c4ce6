"""Property tests: any unicode in any text field lays out, prints and stays under 1 KB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from printer_drivers import TicketData
from printer_drivers.base import TicketFormat
from printer_drivers.charset import CODEPAGES
from printer_drivers.layout import PAPERS, TextLine
from printer_drivers.render import render_layout

MAX_TICKET_BYTES = 1024

any_text = st.text(max_size=600)
zones = st.sampled_from([timezone(timedelta(hours=hours)) for hours in (7, 8, 9)] + [UTC])
tickets = st.builds(
    TicketData,
    office_name=any_text,
    service_name=any_text,
    number=st.text(max_size=40),
    priority=st.booleans(),
    people_ahead=st.integers(min_value=0, max_value=10**12),
    wait_text=st.none() | any_text,
    issued_at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones
    ),
    issued_text=any_text,
    check_url=st.none() | st.text(max_size=300),
    footer=st.none() | any_text,
    language=st.sampled_from(["id", "en"]),
)
formats = st.builds(
    TicketFormat,
    paper=st.sampled_from(list(PAPERS.values())),
    codepage=st.sampled_from(list(CODEPAGES.values())),
)


@settings(max_examples=150, deadline=None)
@given(ticket=tickets, ticket_format=formats)
def test_any_ticket_encodes_within_one_kilobyte(
    ticket: TicketData, ticket_format: TicketFormat
) -> None:
    data = ticket_format.encode(ticket)
    assert len(data) <= MAX_TICKET_BYTES
    assert data.startswith(b"\x1b@") and data.endswith(b"\x1dVB\x00")
    for block in ticket_format.layout(ticket).blocks:
        if isinstance(block, TextLine):
            assert len(block.text) * block.width_scale <= ticket_format.paper.columns
            block.text.encode(ticket_format.codepage.codec)  # printable in the code page
            assert not any(ord(character) < 0x20 for character in block.text)


@settings(max_examples=15, deadline=None)
@given(ticket=tickets)
def test_any_ticket_renders_a_preview_as_wide_as_the_paper(ticket: TicketData) -> None:
    ticket_format = TicketFormat()
    assert render_layout(ticket_format.layout(ticket)).width == PAPERS[80].dots
