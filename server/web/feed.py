"""The office's changes as the devices' event messages, fanned out through the hub."""

from __future__ import annotations

from typing import Any

from client import protocol
from server.domain.model import Change, EventType, TicketStatus
from server.office import SETTINGS_CHANGED, Office
from server.storage.port import Event
from server.web import serialize
from server.web.events import EventHub
from server.web.figures import figures_message

# a clerk signing in or out changes what devices show of the counter: a `counter.changed`
SIGN_IN_AS = {
    str(EventType.CLERK_SIGNED_IN): str(protocol.EventType.COUNTER_CHANGED),
    str(EventType.CLERK_SIGNED_OUT): str(protocol.EventType.COUNTER_CHANGED),
}


class DeviceFeed:
    """Builds each device message when the change is made, publishes it once durable.

    The text is built at the moment of the change so that its counts are the ones the
    change left; `prev` is the id of the previous device message, so a client sees a gap
    without knowing the whole log. Events that are not for devices (a type the protocol
    does not name) are stored but not sent, and do not move `prev`.
    """

    def __init__(self, hub: EventHub) -> None:
        self.hub = hub
        self.last_device_seq = 0

    def prepare(self, office: Office, change: Change | None, event: Event) -> object:
        message = device_message(office, change, event, prev=self.last_device_seq)
        if message is None:
            return None
        self.last_device_seq = event.id
        return protocol.encode_text(message)

    def publish(self, event: Event, prepared: object) -> None:
        if prepared is None:
            self.hub.published_seq = event.id  # nothing to send: no one missed anything
            if event.type == SETTINGS_CHANGED:
                # new names, hours, counters: every device starts again from a snapshot
                self.hub.resync_all()
            return
        assert isinstance(prepared, str)
        self.hub.publish(event.id, prepared)

    def resync(self, phantom_ids: range) -> None:
        if phantom_ids:
            self.last_device_seq = phantom_ids.start - 1
        self.hub.forget(phantom_ids)
        self.hub.resync_all()


def device_message(
    office: Office, change: Change | None, event: Event, prev: int
) -> protocol.Event | None:
    """The message devices get for `event`, or None when it is not for devices."""
    try:
        event_type = protocol.EventType(SIGN_IN_AS.get(event.type, event.type))
    except ValueError:
        return None
    day = office.day
    now = event.at
    at = now.astimezone(office.config.zone).replace(microsecond=0)
    fields: dict[str, Any] = {"seq": event.id, "prev": prev, "at": at}
    if event_type is protocol.EventType.DAY_ROLLOVER:
        # the new day as it starts, so a display needs no snapshot to show it
        fields["today"] = day.day
        fields["services"] = serialize.all_services(day, now)
        fields["counters"] = serialize.all_counters(day)
        fields["figures"] = figures_message(office)
    if change is not None:
        if change.tickets:
            # tickets whose place in line changed first: the main ticket stays the last
            told = (*change.reordered, *change.tickets)
            tickets = tuple(serialize.ticket_message(day, ticket) for ticket in told)
            fields["ticket"] = tickets[-1]
            fields["tickets"] = tickets
        if change.counter is not None:
            fields["counter"] = serialize.counter_message(day, change.counter)
        fields["services"] = tuple(
            serialize.service_message(day, code, now) for code in change.services
        )
        if change.from_service is not None:
            fields["from_service"] = change.from_service
        if any(ticket.status is TicketStatus.DONE for ticket in change.tickets):
            fields["figures"] = figures_message(office)  # a visitor served: a new average
    return protocol.EVENT_CLASSES[event_type](**fields)
