"""The office's changes as the devices' event messages, fanned out through the hub."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.domain.model import Change, EventType
from server.office import Office
from server.storage.port import Event
from server.web import serialize
from server.web.events import EventHub
from server.web.json import dumps


class DeviceFeed:
    """Builds each device message when the change is made, publishes it once durable.

    The text is built at the moment of the change so that its counts are the ones the
    change left; `prev` is the id of the previous device message, so a client sees a gap
    without knowing the whole log.
    """

    def __init__(self, hub: EventHub) -> None:
        self.hub = hub
        self.last_device_seq = 0

    def prepare(self, office: Office, change: Change | None, event: Event) -> object:
        message = device_message(office, change, event, prev=self.last_device_seq)
        self.last_device_seq = event.id
        return dumps(message)

    def publish(self, event: Event, prepared: object) -> None:
        assert isinstance(prepared, str)
        self.hub.publish(event.id, prepared)

    def resync(self, phantom_ids: range) -> None:
        if phantom_ids:
            self.last_device_seq = phantom_ids.start - 1
        self.hub.forget(phantom_ids)
        self.hub.resync_all()


def device_message(
    office: Office, change: Change | None, event: Event, prev: int
) -> dict[str, Any]:
    day = office.day
    now = event.at
    message: dict[str, Any] = {
        "type": event.type, "seq": event.id, "prev": prev, "at": at_text(office, now),
    }  # fmt: skip
    if event.type == EventType.DAY_ROLLOVER:
        message["today"] = day.day.isoformat()
    if change is None:
        return message
    if change.ticket is not None:
        message["ticket"] = serialize.ticket_json(day, change.ticket)
        message["tickets"] = [serialize.ticket_json(day, ticket) for ticket in change.tickets]
    if change.counter is not None:
        message["counter"] = serialize.counter_json(day, change.counter)
    if change.event is not EventType.COUNTER_CHANGED or change.services:
        message["services"] = [serialize.service_json(day, code, now) for code in change.services]
    if change.from_service is not None:
        message["from_service"] = change.from_service
    return message


def at_text(office: Office, now: datetime) -> str:
    return now.astimezone(office.config.zone).isoformat(timespec="seconds")
