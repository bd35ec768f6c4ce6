"""Exceptions of the server, under one root per concern.

AntrianError
├── ConfigError          bad or contradictory antrian.toml (start-up)
├── StorageError         the database refused a write or is unusable
│   └── AccountExists    an account with that name (in any case) exists
└── QueueError           a queue rule refused an action (mapped to 4xx)
    ├── UnknownService, UnknownCounter, UnknownTicket
    ├── ServiceClosed    (.reason: hours | break | holiday | quota | closed)
    ├── QueueEmpty, NoCurrentTicket, CounterPaused
    ├── InvalidState, SameService
    ├── NotServedHere    the counter does not serve the ticket's service
    └── NotPermitted     this device may not act on that ticket (another kiosk's)
"""

from __future__ import annotations


class AntrianError(Exception):
    """Root of every error the server raises on purpose."""


class ConfigError(AntrianError):
    """The configuration is malformed or contradictory; the message names the key.

    `path` is the key path in machine form ("counters[2].services"), "" for the whole file.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class StorageError(AntrianError):
    """The database could not be opened or refused a write."""


class AccountExists(StorageError):
    """An account with that name (compared without case) is already there."""


class QueueError(AntrianError):
    """A queue rule refused the action; `code` is the API error code."""

    code = "invalid_state"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownService(QueueError):
    code = "unknown_service"


class UnknownCounter(QueueError):
    code = "unknown_counter"


class UnknownTicket(QueueError):
    code = "unknown_ticket"


class ServiceClosed(QueueError):
    code = "service_closed"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class QueueEmpty(QueueError):
    code = "queue_empty"


class NoCurrentTicket(QueueError):
    code = "no_current_ticket"


class CounterPaused(QueueError):
    code = "counter_paused"


class InvalidState(QueueError):
    code = "invalid_state"


class SameService(QueueError):
    code = "not_serving_service"


class NotServedHere(QueueError):
    code = "not_served_here"


class NotPermitted(QueueError):
    code = "forbidden"
