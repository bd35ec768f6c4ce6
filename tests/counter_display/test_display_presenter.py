"""The display presenter and texts, without Qt: what is shown and what is announced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from client.formatting import format_clock, format_date
from client.state import OfficeState
from client.wire import parse_event
from counter_display.display.presenter import DisplayPresenter, call_identity
from tests.client.samples import (
    called_json,
    counter_json,
    event_json,
    service_json,
    ticket_json,
)
from tests.support.builders import office_state


def _state(**changes: Any) -> OfficeState:
    return office_state(**changes)


def _call_event(kind: str, seq: int, ticket: dict[str, Any], counter: int) -> Any:
    return parse_event(
        event_json(
            kind,
            seq,
            ticket=ticket,
            counter=counter_json(counter, ["A", "B"], current=ticket),
            services=[service_json("A", waiting=2)],
        )
    )


def test_a_snapshot_is_shown_but_never_announced() -> None:
    presenter = DisplayPresenter()
    state = _state(recent_calls=[called_json(7, "A007", 2), called_json(5, "B005", 1)])

    update = presenter.present(state, None)

    assert update.announcement is None
    assert not update.highlight
    assert update.view.now_calling is not None
    assert update.view.now_calling.number == "A007"
    assert update.view.now_calling.counter_text == "LOKET 2"
    assert [(row.counter_text, row.number_text) for row in update.view.counters] == [
        ("Loket 2", "A007"),
        ("Loket 1", "B005"),
    ]


def test_a_live_call_is_announced_and_highlighted() -> None:
    presenter = DisplayPresenter()
    state = _state()
    presenter.present(state, None)
    ticket = called_json(8, "A008", 1)
    event = _call_event("ticket.called", 11, ticket, 1)

    update = presenter.present(state.apply(event), event)

    assert update.highlight
    assert update.announcement is not None
    assert (update.announcement.number, update.announcement.counter) == ("A008", 1)
    assert not update.announcement.recall
    assert update.view.counters[0].latest
    assert update.view.services[0].waiting_text == "2 menunggu"


def test_a_recall_of_an_older_call_takes_the_big_panel_with_its_own_identity() -> None:
    presenter = DisplayPresenter()
    first = called_json(5, "B005", 1)
    latest = called_json(7, "A007", 2)
    state = _state(recent_calls=[latest, first])
    presenter.present(state, None)
    recalled = dict(first, recalls=1)
    event = _call_event("ticket.recalled", 11, recalled, 1)

    update = presenter.present(state.apply(event), event)

    assert update.view.now_calling is not None
    assert (update.view.now_calling.number, update.view.now_calling.recall) == ("B005", True)
    assert update.announcement is not None and update.announcement.recall
    # Not the identity of the first call of B005: a recall is announced again.
    assert update.announcement.event_id != call_identity(state.recent_calls[1])
    # A later unrelated event keeps the recalled call up.
    issued = parse_event(
        event_json("ticket.issued", 12, ticket=ticket_json(9, "A009"), services=[])
    )
    after = presenter.present(state.apply(event).apply(issued), issued)
    assert after.view.now_calling is not None and after.view.now_calling.number == "B005"
    assert after.announcement is None


def test_other_events_are_not_announced() -> None:
    presenter = DisplayPresenter()
    state = _state(recent_calls=[called_json(7, "A007", 2)])
    presenter.present(state, None)
    done = parse_event(
        event_json(
            "ticket.done",
            11,
            ticket=called_json(7, "A007", 2, status="done"),
            counter=counter_json(2, ["A", "B"]),
            services=[],
        )
    )
    update = presenter.present(state.apply(done), done)
    assert update.announcement is None and not update.highlight


def test_closed_service_says_why_and_still_counts_the_waiting() -> None:
    presenter = DisplayPresenter()
    state = _state(services=[service_json("A", open=False, closed_reason="break", waiting=3)])
    row = presenter.present(state, None).view.services[0]
    assert (row.waiting_text, row.closed_text) == ("3 menunggu", "Istirahat")
    assert not row.open


@pytest.mark.parametrize(
    ("changes", "language", "waiting_text", "closed_text"),
    [
        (
            {"closed_reason": "break", "closed_note": "Istirahat salat Jumat",
             "opens_at": "2026-11-24T13:00:00+07:00", "waiting": 2},
            "id", "2 menunggu", "Istirahat salat Jumat · Buka kembali pukul 13.00",
        ),
        (
            {"closed_reason": "break", "closed_note": "Friday prayer break",
             "opens_at": "2026-11-24T06:00:00+00:00", "waiting": 1},
            "en", "1 waiting", "Friday prayer break · Opens again at 13:00",
        ),
        (
            {"closed_reason": "quota", "opens_at": "2026-11-25T08:00:00+07:00"},
            "id", "Tutup", "Kuota hari ini sudah habis · Buka kembali besok pukul 08.00",
        ),
        (
            {"closed_reason": "holiday", "closed_note": "Hari Raya Natal",
             "opens_at": "2026-11-28T08:00:00+07:00"},
            "id", "Tutup", "Kantor tutup: Hari Raya Natal",
        ),
        (
            {"closed_reason": "holiday", "closed_note": "Christmas Day"},
            "en", "Closed", "Office closed: Christmas Day",
        ),
        ({"closed_reason": "hours"}, "id", "Tutup", "Di luar jam layanan"),
    ],
)  # fmt: skip
def test_a_closed_tile_says_why_and_when_it_opens_again(
    changes: dict[str, Any], language: str, waiting_text: str, closed_text: str
) -> None:
    presenter = DisplayPresenter(language)
    state = _state(services=[service_json("A", open=False, **changes)])
    row = presenter.present(state, None).view.services[0]
    assert (row.waiting_text, row.closed_text) == (waiting_text, closed_text)


def test_paused_counter_is_marked() -> None:
    presenter = DisplayPresenter()
    state = _state(counters=[counter_json(1, ["A"], state="paused")])
    row = presenter.present(state, None).view.counters[0]
    assert (row.counter_text, row.number_text, row.note) == ("Loket 1", "—", "istirahat")


@pytest.mark.parametrize(
    ("language", "status", "has_state", "expected"),
    [
        ("id", "connected", True, ""),
        ("id", "searching", True, "menyambung ulang…"),
        ("id", "unavailable", True, "menyambung ulang…"),
        ("id", "searching", False, "mencari server antrian…"),
        ("en", "searching", True, "reconnecting…"),
    ],
)
def test_connection_text(language: str, status: str, has_state: bool, expected: str) -> None:
    presenter = DisplayPresenter(language)
    if has_state:
        presenter.present(_state(), None)
    assert presenter.connection_text(status) == expected


def test_dates_and_clock_in_indonesian_and_english() -> None:
    moment = datetime(2026, 11, 24, 9, 5)
    assert format_date(moment, "id") == "Selasa, 24 November 2026"
    assert format_date(datetime(2026, 8, 17), "id") == "Senin, 17 Agustus 2026"
    assert format_date(moment, "en") == "Tuesday, 24 November 2026"
    assert format_clock(moment, "id", "Asia/Jakarta") == "09.05 WIB"
    assert format_clock(moment, "id", "Asia/Makassar") == "09.05 WITA"
    assert format_clock(moment, "en", "Asia/Jayapura") == "09:05 WIT"
    assert format_clock(moment, "id", "Europe/Amsterdam") == "09.05"


@pytest.mark.parametrize("kind", ["ticket.transferred", "ticket.requeued"])
def test_a_transferred_or_requeued_latest_call_leaves_the_big_panel_empty(kind: str) -> None:
    # Loket 1 served B005 earlier (done); Loket 2 calls A007, then transfers or re-queues it.
    presenter = DisplayPresenter()
    served = called_json(5, "B005", 1, status="done", called_at="2026-11-24T09:50:00+07:00")
    latest = called_json(7, "A007", 2)
    state = _state(recent_calls=[latest, served])
    assert presenter.present(state, None).view.now_calling is not None
    moved = ticket_json(7, "A007", requeued=True)
    fields: dict[str, Any] = {
        "ticket": moved,
        "services": [service_json("A", waiting=1)],
    }
    if kind == "ticket.transferred":
        fields.update(counter=counter_json(2, ["A", "B"]), from_service="A")
        fields["ticket"] = dict(moved, service="B", requeued=False, transferred_from="A")
    event = parse_event(event_json(kind, 11, **fields))

    update = presenter.present(state.apply(event), event)

    # Not B005, which was served long ago, as if it were being called now.
    assert update.view.now_calling is None
    assert not any(row.latest for row in update.view.counters)
    assert update.announcement is None


def test_after_a_transfer_the_big_panel_shows_the_latest_call_still_at_its_counter() -> None:
    presenter = DisplayPresenter()
    older = called_json(3, "B003", 1, status="done", called_at="2026-11-24T09:40:00+07:00")
    serving = called_json(5, "B005", 1, called_at="2026-11-24T09:50:00+07:00")
    latest = called_json(7, "A007", 2)
    state = _state(recent_calls=[latest, serving, older])
    presenter.present(state, None)
    transferred = ticket_json(7, "A007", service="B", transferred_from="A")
    event = parse_event(
        event_json(
            "ticket.transferred",
            11,
            ticket=transferred,
            counter=counter_json(2, ["A", "B"]),
            from_service="A",
            services=[],
        )
    )

    update = presenter.present(state.apply(event), event)

    assert update.view.now_calling is not None
    assert (update.view.now_calling.number, update.view.now_calling.counter) == ("B005", 1)


def test_a_snapshot_whose_calls_are_all_served_shows_no_call_in_the_big_panel() -> None:
    presenter = DisplayPresenter()
    state = _state(recent_calls=[called_json(7, "A007", 2, status="done")])
    update = presenter.present(state, None)
    assert update.view.now_calling is None
    # The list still says what each counter called last.
    first = update.view.counters[0]
    assert (first.counter_text, first.number_text) == ("Loket 2", "A007")
