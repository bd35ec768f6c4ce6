"""Pairing a new device: a short code on its screen, a supervisor's approval, a stored token.

A kiosk, counter or display started without a token asks the server for a pairing
(`POST /api/v1/pairings`), shows the code, and long-polls `GET /api/v1/pairings/{id}`
until a supervisor approves it in /admin → Perangkat. The token it receives is kept in
a file of its own (mode 0600) in the program's data dir, so the next start needs no
pairing; it is never logged. A code that is no longer known to the server (expired
after 10 minutes, or the server restarted) and an approval for another kind of device
start a new pairing. No Qt here: `client/pairing_link.py` runs this for the screens.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from client.errors import ApiError, PairingExpired, ProtocolError, ServerUnavailable

if TYPE_CHECKING:
    from client.api import ApiClient
    from client.config import ClientConfig

logger = logging.getLogger(__name__)

POLL_WAIT_S: Final = 20  # the server holds a poll at most 25 s
RETRY_S: Final = 3.0  # after an expired code, a refusal or an unreachable server
TOKEN_FILE_MODE: Final = 0o600
# the role each program needs; the supervisor chooses it when approving
PROGRAM_ROLES: Final = {"kiosk": "kiosk", "counter": "counter", "display": "display"}
DEVICE_KINDS: Final = {"kiosk": "kiosk", "counter": "counter", "display": "display"}


@dataclass(frozen=True, slots=True)
class PairingCode:
    """A pairing the server started: its secret id and the code people read."""

    id: str
    code: str
    shown: str  # "K7M X4P"
    expires_at: str


@dataclass(frozen=True, slots=True)
class DeviceGrant:
    """What an approved device keeps: its token, role, counter (role counter) and name."""

    token: str
    role: str
    counter: int | None
    name: str

    def __repr__(self) -> str:  # never the token, in a log or a traceback
        return f"DeviceGrant(role={self.role!r}, counter={self.counter!r}, name={self.name!r})"


class PairingEvent(StrEnum):
    """What a pairing screen is told, besides the code."""

    EXPIRED = "expired"  # the code is no longer valid: a new one follows
    WRONG_ROLE = "wrong_role"  # approved for another kind of device: a new code follows
    UNREACHABLE = "unreachable"  # the server cannot be reached: trying again


def parse_pairing_code(data: object) -> PairingCode:
    if not isinstance(data, Mapping):
        raise ProtocolError("a pairing must be a JSON object")
    try:
        return PairingCode(
            id=str(data["id"]),
            code=str(data["code"]),
            shown=str(data.get("code_display") or data["code"]),
            expires_at=str(data.get("expires_at", "")),
        )
    except KeyError as exc:
        raise ProtocolError(f"a pairing lacks {exc}") from None


def parse_poll(data: object) -> DeviceGrant | None:
    """None while pending; the grant once approved."""
    if not isinstance(data, Mapping):
        raise ProtocolError("a pairing status must be a JSON object")
    if data.get("status") == "pending":
        return None
    if data.get("status") != "approved" or not isinstance(data.get("token"), str):
        raise ProtocolError(f"unexpected pairing status {data.get('status')!r}")
    counter = data.get("counter")
    return DeviceGrant(
        token=str(data["token"]),
        role=str(data.get("role", "")),
        counter=counter if isinstance(counter, int) and not isinstance(counter, bool) else None,
        name=str(data.get("name", "")),
    )


# ------------------------------------------------------------------ the stored token


def default_token_path(program: str, environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME/antrian/<program>-token.json, else ~/.local/share/antrian/…"""
    environment = os.environ if environ is None else environ
    base = environment.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "antrian" / f"{program}-token.json"


def read_grant(path: Path) -> DeviceGrant | None:
    """The grant stored at `path`, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("the stored token in %s cannot be read (%s): pairing again", path, exc)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("token"), str) or not data["token"]:
        logger.warning("the stored token in %s is not valid: pairing again", path)
        return None
    counter = data.get("counter")
    return DeviceGrant(
        token=data["token"],
        role=str(data.get("role", "")),
        counter=counter if isinstance(counter, int) and not isinstance(counter, bool) else None,
        name=str(data.get("name", "")),
    )


def store_grant(path: Path, grant: DeviceGrant) -> None:
    """Write the grant durably, readable by this user only (0600), replacing any older one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(
        {"token": grant.token, "role": grant.role, "counter": grant.counter, "name": grant.name}
    )
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, TOKEN_FILE_MODE)
    try:
        os.fchmod(descriptor, TOKEN_FILE_MODE)  # an older file of that name kept its mode
        os.write(descriptor, text.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    with contextlib.suppress(OSError):  # the rename itself on disk
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    logger.info("paired as %s %r; token stored in %s", grant.role, grant.name, path)


# ------------------------------------------------------------------ the pairing itself


async def pair(
    api: ApiClient,
    program: str,
    on_code: Callable[[PairingCode], None],
    on_event: Callable[[PairingEvent], None],
    *,
    poll_wait_s: float = POLL_WAIT_S,
    retry_s: float = RETRY_S,
) -> DeviceGrant:
    """Pair until a supervisor approves this device for `program`'s role; the grant.

    A code stays on screen through a network blip (the supervisor may be typing it); a
    code the server no longer knows, or an approval for another role, gets a new one.
    """
    wanted_role = PROGRAM_ROLES[program]
    code: PairingCode | None = None
    interrupted = False
    while True:
        try:
            if code is None:
                code = await api.start_pairing(DEVICE_KINDS[program])
                logger.info("pairing code %s: approve it in /admin", code.shown)
                on_code(code)
            elif interrupted:
                on_code(code)  # reachable again: the same code still waits
            interrupted = False
            grant = await api.poll_pairing(code.id, poll_wait_s)
            if grant is None:
                continue
        except PairingExpired:
            logger.info("the pairing code is no longer valid; asking for a new one")
            code = None
            on_event(PairingEvent.EXPIRED)
        except (ServerUnavailable, ProtocolError) as exc:
            logger.warning("pairing: %s; trying again in %g s", exc, retry_s)
            interrupted = True
            on_event(PairingEvent.UNREACHABLE)
        except ApiError as exc:  # e.g. too_many_pairings: wait, then ask again
            logger.warning("pairing refused: %s; trying again in %g s", exc, retry_s)
            interrupted = True
            on_event(PairingEvent.UNREACHABLE)
        else:
            if grant.role == wanted_role:
                return grant
            logger.warning("paired as %s, but this %s needs %s", grant.role, program, wanted_role)
            code = None
            on_event(PairingEvent.WRONG_ROLE)
        await asyncio.sleep(retry_s)


def with_stored_token(config: ClientConfig, path: Path) -> tuple[ClientConfig, DeviceGrant | None]:
    """The config with a token: its own (antrian.toml or ANTRIAN_TOKEN) first, else the one
    stored by an earlier pairing (and that grant); without either the token stays None."""
    if config.token:
        return config, None
    grant = read_grant(path)
    if grant is None:
        return config, None
    return dataclasses.replace(config, token=grant.token), grant


__all__ = [
    "DeviceGrant",
    "PairingCode",
    "PairingEvent",
    "default_token_path",
    "pair",
    "read_grant",
    "store_grant",
    "with_stored_token",
]
