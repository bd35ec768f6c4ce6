"""Opening rules: why a service is closed, what to call it, and when it opens again."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from client.protocol import to_builtins
from server.config import parse_office_settings
from server.domain.model import ClosedReason
from server.domain.schedule import closure, open_spans, opens_at
from server.web.serialize import service_message
from tests.server.conftest import Clock, StartOffice

JAKARTA = ZoneInfo("Asia/Jakarta")
WEEKDAY_HOURS = {day: "08:00-15:00" for day in ("mon", "tue", "wed", "thu", "fri")}
OFFICE: dict[str, Any] = {
    "hours": WEEKDAY_HOURS,
    "breaks": [
        {"name": "Istirahat salat Jumat", "days": ["fri"], "start": "11:30", "end": "13:00"},
        {"name": "Istirahat siang", "days": ["mon", "tue", "wed", "thu"], "start": "12:00",
         "end": "13:00", "services": ["B"]},
    ],
    "holidays": [
        {"date": date(2026, 12, 24), "name": "Cuti bersama Hari Raya Natal"},
        {"date": date(2026, 12, 25), "name": "Hari Raya Natal"},
    ],
    "services": [
        {"code": "A", "name": "Administrasi Kependudukan", "quota": 2},
        # its own hours: shorter, and only to 11:00 on Friday
        {"code": "B", "name": "Perizinan", "hours": {
            "mon": "08:00-14:00", "tue": "08:00-14:00", "wed": "08:00-14:00",
            "thu": "08:00-14:00", "fri": "08.00-11.00"}},
        {"code": "C", "name": "Layanan tanpa jam", "hours": {}},
    ],
    "counters": [{"number": 1, "services": ["A", "B", "C"]}],
}  # fmt: skip
SETTINGS = parse_office_settings(OFFICE)


def at(text: str) -> datetime:
    """Office time: "2026-12-04 12:00" (Friday) in Asia/Jakarta."""
    return datetime.fromisoformat(text).replace(tzinfo=JAKARTA)


CASES = [
    # (what, service, now, issued today, closed by supervisor, reason, note, opens at)
    ("a weekday morning", "A", "2026-11-30 09:00", 0, False, None, None, None),
    ("before opening", "A", "2026-11-30 07:59:59", 0, False,
     ClosedReason.HOURS, None, "2026-11-30 08:00"),
    ("at closing time", "A", "2026-11-30 15:00", 0, False,
     ClosedReason.HOURS, None, "2026-12-01 08:00"),
    ("the Friday break", "A", "2026-12-04 12:00", 0, False,
     ClosedReason.BREAK, "Istirahat salat Jumat", "2026-12-04 13:00"),
    ("the last minute of the Friday break", "A", "2026-12-04 12:59", 0, False,
     ClosedReason.BREAK, "Istirahat salat Jumat", "2026-12-04 13:00"),
    ("after the Friday break", "A", "2026-12-04 13:00", 0, False, None, None, None),
    ("own hours end at 11:00 on Friday", "B", "2026-12-04 12:00", 0, False,
     ClosedReason.HOURS, None, "2026-12-07 08:00"),
    ("own hours end at 14:00 on Thursday", "B", "2026-12-03 14:30", 0, False,
     ClosedReason.HOURS, None, "2026-12-04 08:00"),
    ("a break of one service only", "B", "2026-11-30 12:30", 0, False,
     ClosedReason.BREAK, "Istirahat siang", "2026-11-30 13:00"),
    ("another service's break", "A", "2026-11-30 12:30", 0, False, None, None, None),
    ("Saturday", "A", "2026-12-05 10:00", 0, False,
     ClosedReason.HOURS, None, "2026-12-07 08:00"),
    ("Sunday night", "A", "2026-12-06 23:59", 0, False,
     ClosedReason.HOURS, None, "2026-12-07 08:00"),
    ("cuti bersama", "A", "2026-12-24 10:00", 0, False,
     ClosedReason.HOLIDAY, "Cuti bersama Hari Raya Natal", "2026-12-28 08:00"),
    ("a holiday at the time of the Friday break", "A", "2026-12-25 12:00", 0, False,
     ClosedReason.HOLIDAY, "Hari Raya Natal", "2026-12-28 08:00"),
    ("the evening before two holidays and a weekend", "B", "2026-12-23 16:00", 0, False,
     ClosedReason.HOURS, None, "2026-12-28 08:00"),
    ("quota used up", "A", "2026-11-30 10:00", 2, False,
     ClosedReason.QUOTA, None, "2026-12-01 08:00"),
    ("quota used up, evening", "A", "2026-11-30 18:00", 2, False,
     ClosedReason.HOURS, None, "2026-12-01 08:00"),
    ("quota used up before opening", "A", "2026-11-30 07:00", 2, False,
     ClosedReason.HOURS, None, "2026-12-01 08:00"),
    ("closed by the supervisor", "A", "2026-11-30 09:00", 0, True,
     ClosedReason.CLOSED, None, None),
    ("closed by the supervisor on a holiday", "A", "2026-12-25 09:00", 0, True,
     ClosedReason.CLOSED, None, None),
    ("a service that never opens", "C", "2026-11-30 09:00", 0, False,
     ClosedReason.HOURS, None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "now", "issued", "manual", "reason", "note", "opens"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_closure_says_why_and_when_it_opens(
    code: str,
    now: str,
    issued: int,
    manual: bool,
    reason: ClosedReason | None,
    note: str | None,
    opens: str | None,
) -> None:
    service = SETTINGS.service(code)
    assert service is not None
    found = closure(SETTINGS, service, at(now), issued, manual)
    if reason is None:
        assert found is None
        return
    assert found is not None
    assert (found.reason, found.note) == (reason, note)
    assert found.opens_at == (at(opens) if opens else None)


def test_the_moment_is_compared_in_office_time_whatever_zone_it_comes_in() -> None:
    service = SETTINGS.service("A")
    assert service is not None
    utc_friday_noon_jakarta = datetime.fromisoformat("2026-12-04T05:00:00+00:00")
    found = closure(SETTINGS, service, utc_friday_noon_jakarta, 0, False)
    assert found is not None and found.reason is ClosedReason.BREAK
    assert found.opens_at is not None and found.opens_at.isoformat() == "2026-12-04T13:00:00+07:00"


def test_open_spans_leave_out_breaks_and_holidays() -> None:
    service = SETTINGS.service("A")
    assert service is not None
    friday = open_spans(SETTINGS, service, date(2026, 12, 4))
    assert [(start.strftime("%H:%M"), end.strftime("%H:%M")) for start, end in friday] == [
        ("08:00", "11:30"), ("13:00", "15:00"),
    ]  # fmt: skip
    assert open_spans(SETTINGS, service, date(2026, 12, 25)) == []


def test_no_opening_within_fourteen_days_is_unknown() -> None:
    settings = parse_office_settings(
        {
            "hours": {"mon": "08:00-15:00"},
            "holidays": [{"date": date(2026, 12, day), "name": "Libur"} for day in (7, 14)],
        }
    )
    service = settings.services[0]
    # Monday 30 Nov after closing: 7 and 14 Dec are holidays, 21 Dec is beyond 14 days
    assert opens_at(settings, service, at("2026-11-30 16:00")) is None
    assert opens_at(settings, service, at("2026-12-01 09:00")) is None
    assert opens_at(settings, service, at("2026-12-08 09:00")) == at("2026-12-21 08:00")


def test_the_service_json_carries_the_note_and_the_opening() -> None:
    from server.domain.queue import QueueDay

    day = QueueDay(SETTINGS, date(2026, 12, 25))
    closed = to_builtins(service_message(day, "A", at("2026-12-25 09:00")))
    assert (closed["open"], closed["closed_reason"], closed["closed_note"]) == (
        False, "holiday", "Hari Raya Natal",
    )  # fmt: skip
    assert closed["opens_at"] == "2026-12-28T08:00:00+07:00"
    day = QueueDay(SETTINGS, date(2026, 11, 30))
    opened = to_builtins(service_message(day, "A", at("2026-11-30 09:00")))
    assert (opened["open"], opened["closed_note"], opened["opens_at"]) == (True, None, None)


async def test_a_holiday_closes_the_office_for_the_kiosk_and_the_snapshot(
    start_office: StartOffice,
) -> None:
    document = {
        "hours": WEEKDAY_HOURS,
        "holidays": [{"date": date(2026, 12, 25), "name": "Hari Raya Natal"}],
        "services": [
            {"code": "A", "name": "Administrasi Kependudukan", "completion_time": "15 menit",
             "fee": "Gratis", "requirements": ["Fotokopi KK"], "target_wait_minutes": 30},
        ],
        "counters": [{"number": 1, "services": ["A"]}],
    }  # fmt: skip
    office = await start_office(document, Clock(at("2026-12-25 09:00")))
    status, answer = await office.post("/tickets", "kiosk", {"service": "A"})
    assert status == 409 and answer["error"] == "service_closed"
    status, services = await office.get("/services")
    assert status == 200
    (service,) = services["services"]
    assert service["closed_reason"] == "holiday"
    assert service["closed_note"] == "Hari Raya Natal"
    assert service["opens_at"] == "2026-12-28T08:00:00+07:00"
    assert (service["completion_time"], service["fee"], service["requirements"]) == (
        "15 menit", "Gratis", ["Fotokopi KK"],
    )  # fmt: skip
    assert service["target_wait_minutes"] == 30
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    snapshot = await socket.receive_json(timeout=5)
    assert snapshot["type"] == "snapshot"
    assert snapshot["services"][0]["closed_note"] == "Hari Raya Natal"
    assert snapshot["services"][0]["opens_at"] == "2026-12-28T08:00:00+07:00"
    await socket.close()


async def test_a_holiday_beginning_at_midnight_is_announced(start_office: StartOffice) -> None:
    document = {
        "hours": WEEKDAY_HOURS,
        "holidays": [{"date": date(2026, 12, 25), "name": "Hari Raya Natal"}],
        "services": [{"code": "A", "name": "Administrasi Kependudukan"}],
        "counters": [{"number": 1, "services": ["A"]}],
    }
    clock = Clock(at("2026-12-24 23:59:59"))
    office = await start_office(document, clock)
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    snapshot = await socket.receive_json(timeout=5)
    assert snapshot["services"][0]["closed_reason"] == "hours"
    assert snapshot["services"][0]["opens_at"] == "2026-12-28T08:00:00+07:00"
    clock.now = at("2026-12-25 00:00:01")
    office.office.tick()
    rollover = await socket.receive_json(timeout=5)
    changed = await socket.receive_json(timeout=5)
    assert (rollover["type"], changed["type"]) == ("day.rollover", "service.changed")
    (service,) = changed["services"]
    assert (service["closed_reason"], service["closed_note"]) == ("holiday", "Hari Raya Natal")
    await socket.close()
