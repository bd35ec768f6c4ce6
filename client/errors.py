"""Exceptions raised by the Antrian client, all under one root.

ClientError
├── ServerUnavailable      connection refused, timed out, name not resolved, dropped
├── ProtocolError          the server sent something that is not API v1
├── DiscoveryFailed        no server advertised and no address configured
├── ConfigError            antrian.toml or the environment has a bad value
└── ApiError               the server answered with {"error": code, "message": ...}
    ├── BadRequest         bad_request, body_too_large
    ├── Unauthorized       unauthorized
    ├── Forbidden          forbidden
    ├── NotFound           unknown_service, unknown_counter, unknown_ticket, not_found
    ├── ServiceClosed      service_closed (with .reason)
    ├── QueueEmpty         queue_empty
    ├── Conflict           no_current_ticket, counter_paused, invalid_state,
    │                      not_serving_service
    ├── PairingExpired     unknown_pairing: the pairing code expired or was never known
    └── StorageUnavailable 503: the server's disk refused a write
"""

from __future__ import annotations


class ClientError(Exception):
    """Root of every error the client package raises."""


class ServerUnavailable(ClientError):
    """The server could not be reached (refused, timed out, unknown host, dropped)."""


class ProtocolError(ClientError):
    """The server sent a message that does not follow API v1."""


class DiscoveryFailed(ClientError):
    """No server was found on the network and none is configured."""


class ConfigError(ClientError):
    """A configuration value is missing, unknown or of the wrong type."""


class ApiError(ClientError):
    """The server refused a request with a documented error code."""

    def __init__(self, status: int, code: str, message: str, reason: str | None = None) -> None:
        super().__init__(f"{code} ({status}): {message}" if message else f"{code} ({status})")
        self.status = status
        self.code = code
        self.message = message
        self.reason = reason


class BadRequest(ApiError):
    """The request was malformed (a client bug, or a body above 64 KiB)."""


class Unauthorized(ApiError):
    """The token is missing or unknown to the server."""


class Forbidden(ApiError):
    """The token is valid but has the wrong role or belongs to another counter."""


class NotFound(ApiError):
    """The service, counter, ticket or path does not exist."""


class ServiceClosed(ApiError):
    """The service issues no tickets now; ``reason`` is hours, break, quota or closed."""


class QueueEmpty(ApiError):
    """No ticket is waiting for the services of this counter."""


class Conflict(ApiError):
    """The action does not fit the current state (no current ticket, paused, ...)."""


class PairingExpired(ApiError):
    """The server no longer knows this pairing (its code expired, or the server restarted)."""


class StorageUnavailable(ApiError):
    """The server could not store the change (its disk refused the write)."""


ERROR_CLASSES: dict[str, type[ApiError]] = {
    "bad_request": BadRequest,
    "body_too_large": BadRequest,
    "unauthorized": Unauthorized,
    "forbidden": Forbidden,
    "unknown_service": NotFound,
    "unknown_counter": NotFound,
    "unknown_ticket": NotFound,
    "not_found": NotFound,
    "service_closed": ServiceClosed,
    "queue_empty": QueueEmpty,
    "no_current_ticket": Conflict,
    "counter_paused": Conflict,
    "invalid_state": Conflict,
    "not_serving_service": Conflict,
    "not_served_here": Conflict,
    "method_not_allowed": BadRequest,
    "unknown_pairing": PairingExpired,
}


def api_error(status: int, code: str, message: str, reason: str | None = None) -> ApiError:
    """Build the ApiError subclass that matches a server error code."""
    if status == 503:
        return StorageUnavailable(status, code, message, reason)
    error_class = ERROR_CLASSES.get(code, ApiError)
    return error_class(status, code, message, reason)
