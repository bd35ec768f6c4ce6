"""Pairing: a new device shows a short code, a supervisor approves it, the device gets a token.

Pairings live in memory only (one lives minutes; a server restart just means "start
again" on the device). The device holds the pairing's `id`, a long random secret: only
it can collect the token, once. The supervisor sees and types the short `code`.
The time is an argument everywhere: no clock is read here.

Errors::

    PairingError            root of what this module raises
    ├── UnknownPairing      no pending pairing with this code or id (or it expired)
    ├── AlreadyApproved     the code was approved already
    └── TooManyPairings     the rate limit or the cap of pending pairings is reached
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from server.storage.port import Role

# no 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read on a TV across a room and to type
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
PAIRING_TTL = timedelta(minutes=10)
MAX_PENDING = 64
RATE_WINDOW = timedelta(minutes=1)
MAX_PER_ADDRESS_PER_WINDOW = 10
MAX_PER_WINDOW = 60
PAIRABLE_ROLES = (Role.DISPLAY, Role.COUNTER, Role.KIOSK, Role.SURVEY)
DEVICE_KINDS = ("tv", "loket", "kiosk", "counter", "display", "browser", "survey")


class PairingError(Exception):
    """Root of the pairing errors."""


class UnknownPairing(PairingError):
    """No pending pairing with this code or id (never made, collected or expired)."""


class AlreadyApproved(PairingError):
    """The code was approved already; its token waits for the device."""


class TooManyPairings(PairingError):
    """Too many new pairings from one address or in all, or too many pending at once."""


@dataclass(frozen=True, slots=True)
class Grant:
    """What the device collects once approved: its token and what it may do."""

    token: str
    role: Role
    counter: int | None
    name: str


@dataclass(slots=True)
class Pairing:
    """One device waiting for approval (or for collecting its approved token)."""

    id: str
    code: str
    created_at: datetime
    expires_at: datetime
    address: str
    device: str | None
    grant: Grant | None = None
    approving: bool = False


def normalise_code(text: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return "".join(text.split()).replace("-", "").upper()


def display_code(code: str) -> str:
    """The code as shown: two groups of three ("K7M X4P")."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


@dataclass
class Pairings:
    """The pending pairings of one server, with a rate limit on new ones."""

    ttl: timedelta = PAIRING_TTL
    _by_id: dict[str, Pairing] = field(default_factory=dict)
    _by_code: dict[str, Pairing] = field(default_factory=dict)
    _recent: deque[tuple[datetime, str]] = field(default_factory=deque)

    def start(self, address: str, device: str | None, now: datetime) -> Pairing:
        """A new pairing for a device at `address`; raises `TooManyPairings`."""
        self.expire(now)
        while self._recent and self._recent[0][0] <= now - RATE_WINDOW:
            self._recent.popleft()
        from_address = sum(1 for _, seen in self._recent if seen == address)
        if (
            from_address >= MAX_PER_ADDRESS_PER_WINDOW
            or len(self._recent) >= MAX_PER_WINDOW
            or len(self._by_id) >= MAX_PENDING
        ):
            raise TooManyPairings("too many pairings were started; wait a minute")
        self._recent.append((now, address))
        code = self._new_code()
        pairing = Pairing(
            id=secrets.token_urlsafe(24),
            code=code,
            created_at=now,
            expires_at=now + self.ttl,
            address=address,
            device=device if device in DEVICE_KINDS else None,
        )
        self._by_id[pairing.id] = pairing
        self._by_code[code] = pairing
        return pairing

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._by_code:
                return code

    def pending(self, now: datetime) -> list[Pairing]:
        """Pairings still waiting for a supervisor, oldest first."""
        self.expire(now)
        return [pairing for pairing in self._by_id.values() if pairing.grant is None]

    def find(self, pairing_id: str, now: datetime) -> Pairing:
        """The pairing with this id (the device's secret); raises `UnknownPairing`."""
        self.expire(now)
        pairing = self._by_id.get(pairing_id)
        if pairing is None:
            raise UnknownPairing("no such pairing (it expired or was collected): start again")
        return pairing

    def by_code(self, code: str, now: datetime) -> Pairing:
        """The pending pairing showing `code`; raises `UnknownPairing` or `AlreadyApproved`."""
        self.expire(now)
        pairing = self._by_code.get(normalise_code(code))
        if pairing is None:
            raise UnknownPairing(f"no device shows the code {code!r} (or it expired)")
        if pairing.grant is not None or pairing.approving:
            raise AlreadyApproved(f"the code {display_code(pairing.code)} is approved already")
        return pairing

    def approve(self, pairing: Pairing, grant: Grant, now: datetime) -> None:
        """Attach the token; the device has the rest of the pairing's time to collect it."""
        pairing.grant = grant
        pairing.expires_at = max(pairing.expires_at, now + timedelta(minutes=2))

    def collect(self, pairing: Pairing) -> Grant:
        """Hand the grant over once: afterwards the pairing is gone."""
        assert pairing.grant is not None
        self._by_id.pop(pairing.id, None)
        self._by_code.pop(pairing.code, None)
        return pairing.grant

    def expire(self, now: datetime) -> None:
        for pairing in [p for p in self._by_id.values() if p.expires_at <= now]:
            del self._by_id[pairing.id]
            self._by_code.pop(pairing.code, None)


__all__ = [
    "PAIRABLE_ROLES",
    "AlreadyApproved",
    "Grant",
    "Pairing",
    "PairingError",
    "Pairings",
    "TooManyPairings",
    "UnknownPairing",
    "display_code",
    "normalise_code",
]
