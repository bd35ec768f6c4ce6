"""ConnectionStatus: what a program tells its user about the link to the server.

Kept apart from `client.events` so that the Qt programs can show a status before the
network code (aiohttp, zeroconf) is loaded: the server link imports that in its thread.
"""

from __future__ import annotations

from enum import StrEnum


class ConnectionStatus(StrEnum):
    """What the user should be told about the link to the server."""

    SEARCHING = "searching"  # looking for the server, connecting or reconnecting
    CONNECTED = "connected"  # connected, and the state is fresh
    UNAVAILABLE = "unavailable"  # the last attempt failed; retrying in the background
