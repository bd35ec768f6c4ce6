"""Tests of the strict parsing of API v1 messages."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.errors import ProtocolError
from client.protocol import EVENT_CLASSES, DayRollover, KnownEvent
from client.state import OfficeState
from client.wire import (
    ClosedReason,
    CounterState,
    Event,
    EventType,
    PriorityOffer,
    Snapshot,
    TicketStatus,
    UnknownEvent,
    decode_json,
    decode_message,
    parse_counter,
    parse_event,
    parse_health,
    parse_service,
    parse_snapshot,
    parse_ticket,
)
from tests.client.samples import (
    called_json,
    counter_json,
    event_json,
    service_json,
    snapshot_json,
    ticket_json,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


def test_ticket_is_parsed_with_its_documented_fields() -> None:
    ticket = parse_ticket(
        ticket_json(17, "A005", check_url="http://192.0.2.10:8470/api/v1/tickets/17?key=Zm9v")
    )
    assert ticket.id == 17
    assert ticket.number == "A005"
    assert ticket.status is TicketStatus.WAITING
    assert ticket.day == date(2026, 11, 24)
    assert ticket.issued_at.utcoffset() is not None
    assert ticket.check_url is not None and ticket.check_url.endswith("key=Zm9v")


def test_ticket_without_check_url_has_none() -> None:
    assert parse_ticket(ticket_json()).check_url is None


def test_unknown_extra_keys_are_ignored() -> None:
    data = service_json(color="blue", future={"nested": [1, 2]})
    assert parse_service(data).code == "A"


def test_closed_service_carries_its_reason() -> None:
    service = parse_service(service_json(open=False, closed_reason="break"))
    assert not service.open
    assert service.closed_reason is ClosedReason.BREAK


def test_a_holiday_closes_a_service_with_its_note_and_opening_time() -> None:
    service = parse_service(
        service_json(
            open=False,
            closed_reason="holiday",
            closed_note="Hari Raya Natal",
            opens_at="2026-12-28T08:00:00+07:00",
        )
    )
    assert service.closed_reason is ClosedReason.HOLIDAY
    assert service.closed_note == "Hari Raya Natal"
    assert service.opens_at == datetime(2026, 12, 28, 1, 0, tzinfo=UTC)


def test_closed_note_and_opens_at_are_optional() -> None:
    absent = parse_service(service_json(open=False, closed_reason="break"))
    assert (absent.closed_note, absent.opens_at) == (None, None)
    null = parse_service(
        service_json(open=False, closed_reason="break", closed_note=None, opens_at=None)
    )
    assert (null.closed_note, null.opens_at) == (None, None)
    empty = parse_service(service_json(open=False, closed_reason="break", closed_note=""))
    assert empty.closed_note is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("closed_note", 3),
        ("opens_at", "13.00"),
        ("opens_at", "2026-12-01T13:00:00"),  # no offset
        ("opens_at", 1700000000),
    ],
)
def test_a_wrong_closed_note_or_opens_at_is_a_protocol_error(key: str, value: object) -> None:
    with pytest.raises(ProtocolError, match=key):
        parse_service(service_json(open=False, closed_reason="break", **{key: value}))


def test_closed_service_without_reason_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="closed_reason"):
        parse_service(service_json(open=False, closed_reason=None))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", "17"),
        ("id", True),
        ("id", 1.5),
        ("priority", 0),
        ("status", "lost"),
        ("issued_at", "yesterday"),
        ("issued_at", "2026-11-24T09:15:02"),
        ("day", "24/11/2026"),
        ("counter", "1"),
    ],
)
def test_wrong_typed_ticket_field_names_the_field(key: str, value: object) -> None:
    with pytest.raises(ProtocolError, match=key):
        parse_ticket(ticket_json(**{key: value}))


def test_missing_key_is_a_protocol_error_naming_it() -> None:
    data = ticket_json()
    del data["recalls"]
    with pytest.raises(ProtocolError, match="recalls"):
        parse_ticket(data)


def test_counter_with_current_ticket() -> None:
    counter = parse_counter(counter_json(2, ["A", "B"], called_json(3, "B001", 2), "paused"))
    assert counter.services == ("A", "B")
    assert counter.state is CounterState.PAUSED
    assert counter.current is not None and counter.current.number == "B001"


def test_snapshot_message_is_decoded_from_text() -> None:
    message = decode_message(json.dumps(snapshot_json(41, waiting=[ticket_json()])))
    assert isinstance(message, Snapshot)
    assert message.seq == 41
    assert [service.code for service in message.services] == ["A", "B"]
    assert len(message.waiting) == 1


def test_snapshot_tells_whether_priority_is_offered_and_to_whom() -> None:
    offer = {"enabled": True, "groups": ["lansia", "ibu hamil"], "max_in_row": 2,
             "regular_after_minutes": None}  # fmt: skip
    offered = parse_snapshot(snapshot_json(priority=offer))
    assert offered.priority == PriorityOffer(
        enabled=True, groups=("lansia", "ibu hamil"), max_in_row=2
    )
    off = parse_snapshot(snapshot_json(priority={"enabled": False, "groups": []}))
    assert off.priority == PriorityOffer(enabled=False, groups=())
    # a server from before the setting was sent: offered, as the kiosk's state says
    older = parse_snapshot(snapshot_json())
    assert older.priority is None
    assert OfficeState.from_snapshot(older).priority == PriorityOffer()
    with pytest.raises(ProtocolError, match=r"priority\.groups\[0\]"):
        parse_snapshot(snapshot_json(priority={"enabled": True, "groups": [3]}))


def test_ticket_called_event_carries_ticket_counter_and_services() -> None:
    called = called_json(1, "A001", 1)
    message = decode_message(
        json.dumps(
            event_json(
                "ticket.called",
                42,
                ticket=called,
                counter=counter_json(1, ["A"], called),
                services=[service_json("A", waiting=2)],
            )
        )
    )
    assert isinstance(message, Event)
    assert message.type is EventType.TICKET_CALLED
    assert message.ticket is not None and message.ticket.status is TicketStatus.CALLED
    assert message.counter is not None and message.counter.number == 1
    assert message.services[0].waiting == 2


def test_event_missing_what_its_type_carries_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="counter"):
        parse_event(event_json("ticket.called", 42, ticket=ticket_json(), services=[]))


def test_transfer_event_carries_from_service() -> None:
    event = parse_event(
        event_json(
            "ticket.transferred",
            5,
            ticket=ticket_json(1, "A001", service="B", transferred_from="A"),
            counter=counter_json(1),
            services=[],
            from_service="A",
        )
    )
    assert isinstance(event, Event)
    assert event.from_service == "A"


def test_day_rollover_carries_the_new_day() -> None:
    event = parse_event({"type": "day.rollover", "seq": 7, "today": "2026-11-25"})
    assert isinstance(event, Event)
    assert event.today == date(2026, 11, 25)


def test_event_of_unknown_type_keeps_its_seq() -> None:
    assert parse_event({"type": "survey.answered", "seq": 9}) == UnknownEvent("survey.answered", 9)


def test_health_answer() -> None:
    health = parse_health(
        {
            "status": "ok",
            "office": "Kantor",
            "version": "0.1.0",
            "today": "2026-11-24",
            "timezone": "Asia/Jakarta",
        }
    )
    assert health.today == date(2026, 11, 24)


@pytest.mark.parametrize("text", ["", "{", "[1,", "nul", b"\xff\xfe", "[" * 100_000])
def test_text_that_is_not_json_is_a_protocol_error(text: str | bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_message(text)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_garbage_is_a_protocol_error(value: Any) -> None:
    with pytest.raises(ProtocolError):
        decode_message(json.dumps(value))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=50))
def test_any_text_is_parsed_or_a_protocol_error(text: str) -> None:
    with contextlib.suppress(ProtocolError):
        decode_message(text)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            paths.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths.extend(_paths(child, (*prefix, index)))
    return paths


def _valid_messages() -> list[dict[str, Any]]:
    called = called_json(1, "A001", 1)
    return [
        snapshot_json(
            recent_calls=[called],
            waiting=[ticket_json(2, "A002")],
            counters=[counter_json(1, ["A"], called)],
        ),
        event_json(
            "ticket.transferred",
            3,
            ticket=ticket_json(1, "A001", service="B"),
            counter=counter_json(1),
            services=[service_json("B")],
            from_service="A",
        ),
    ]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_valid_message_with_one_value_replaced_parses_or_is_a_protocol_error(
    data: st.DataObject,
) -> None:
    message = json.loads(json.dumps(data.draw(st.sampled_from(_valid_messages()))))
    path = data.draw(st.sampled_from(_paths(message)))
    parent = message
    for step in path[:-1]:
        parent = parent[step]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(json_values)
    with contextlib.suppress(ProtocolError):
        decode_message(json.dumps(message))


def test_decode_json_rejects_bad_utf8() -> None:
    with pytest.raises(ProtocolError):
        decode_json(b'{"a": "\xff"}')


def test_snapshot_parse_rejects_other_message_type() -> None:
    with pytest.raises(ProtocolError):
        parse_snapshot(event_json("ticket.issued", 1))


def test_event_carries_prev_and_every_ticket_it_touched() -> None:
    finished = called_json(1, "A001", 1, status="done", finished_at="2026-11-24T10:05:00+07:00")
    now_called = called_json(2, "A002", 1)
    event = parse_event(
        event_json(
            "ticket.called",
            42,
            prev=40,
            ticket=now_called,
            tickets=[finished, now_called],
            counter=counter_json(1, ["A"], now_called),
            services=[service_json("A")],
        )
    )
    assert isinstance(event, Event)
    assert (event.seq, event.prev) == (42, 40)
    assert [(t.number, t.status) for t in event.touched] == [
        ("A001", TicketStatus.DONE),
        ("A002", TicketStatus.CALLED),
    ]


def test_event_from_a_server_without_tickets_touches_its_ticket() -> None:
    message = event_json("ticket.issued", 3, ticket=ticket_json(), services=[])
    del message["prev"]
    event = parse_event(message)
    assert isinstance(event, Event)
    assert event.prev is None
    assert [ticket.number for ticket in event.touched] == ["A001"]


def test_service_standards_and_closing_details_are_optional() -> None:
    bare = parse_service(service_json())
    assert (bare.closed_note, bare.opens_at, bare.requirements) == (None, None, ())
    holiday = parse_service(
        service_json(
            open=False,
            closed_reason="holiday",
            closed_note="Hari Raya Natal",
            opens_at="2026-12-28T08:00:00+07:00",
            fee="Gratis",
            requirements=["KK asli"],
            target_wait_minutes=30,
        )
    )
    assert holiday.closed_reason is ClosedReason.HOLIDAY
    assert holiday.opens_at is not None and holiday.opens_at.hour == 8
    assert (holiday.fee, holiday.requirements, holiday.target_wait_minutes) == (
        "Gratis",
        ("KK asli",),
        30,
    )


def test_day_rollover_may_carry_the_new_days_services_and_counters() -> None:
    event = parse_event(
        event_json(
            "day.rollover",
            7,
            today="2026-11-25",
            services=[service_json("A")],
            counters=[counter_json(1)],
        )
    )
    assert isinstance(event, DayRollover)
    assert event.type is EventType.DAY_ROLLOVER
    assert [s.code for s in event.services] == ["A"] and [c.number for c in event.counters] == [1]


def test_unknown_event_keeps_its_prev() -> None:
    message = decode_message(json.dumps({"type": "survey.answered", "seq": 9, "prev": 7}))
    assert message == UnknownEvent("survey.answered", 9, 7)


def test_a_known_event_type_with_wrong_fields_is_not_an_unknown_event() -> None:
    with pytest.raises(ProtocolError, match="ticket"):
        decode_message(json.dumps(event_json("ticket.issued", 4, services=[])))


def test_snapshot_carries_the_log_id() -> None:
    assert parse_snapshot(snapshot_json()).log_id is not None
    older = snapshot_json()
    del older["log_id"]
    assert parse_snapshot(older).log_id is None


def test_every_event_type_has_one_tagged_struct_in_the_union() -> None:
    assert set(EVENT_CLASSES) == set(EventType)
    for event_type, event_class in EVENT_CLASSES.items():
        assert event_class.__struct_config__.tag == event_type
    assert set(get_args(KnownEvent)) == set(EVENT_CLASSES.values())
