"""API v1 messages for the Qt programs: the names of `client.protocol`, re-exported.

The messages are defined once, in `client.protocol` (the server encodes with the same
Structs); this module keeps the names the kiosk and the counter and display programs
import.
"""

from __future__ import annotations

from client.protocol import (
    ClosedReason,
    Counter,
    CounterState,
    Event,
    EventType,
    Figures,
    Health,
    Message,
    PriorityOffer,
    Service,
    Snapshot,
    Ticket,
    TicketStatus,
    UnknownEvent,
    decode_json,
    decode_message,
    parse_counter,
    parse_counters,
    parse_event,
    parse_health,
    parse_message,
    parse_service,
    parse_services,
    parse_snapshot,
    parse_ticket,
)

__all__ = [
    "ClosedReason",
    "Counter",
    "CounterState",
    "Event",
    "EventType",
    "Figures",
    "Health",
    "Message",
    "PriorityOffer",
    "Service",
    "Snapshot",
    "Ticket",
    "TicketStatus",
    "UnknownEvent",
    "decode_json",
    "decode_message",
    "parse_counter",
    "parse_counters",
    "parse_event",
    "parse_health",
    "parse_message",
    "parse_service",
    "parse_services",
    "parse_snapshot",
    "parse_ticket",
]
