"""ApiClient: the HTTP calls of API v1, with short timeouts and typed errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Final, TypeVar
from urllib.parse import quote, urlsplit

import aiohttp

from client.errors import ProtocolError, ServerUnavailable, api_error
from client.pairing import DeviceGrant, PairingCode, parse_pairing_code, parse_poll
from client.wire import (
    Counter,
    Health,
    Service,
    Snapshot,
    Ticket,
    decode_json,
    parse_counter,
    parse_counters,
    parse_health,
    parse_service,
    parse_services,
    parse_snapshot,
    parse_ticket,
)

logger = logging.getLogger(__name__)

API_PATH: Final = "/api/v1"
CONNECT_TIMEOUT_S: Final = 3.0
TOTAL_TIMEOUT_S: Final = 5.0

Result = TypeVar("Result")


def api_base_url(url: str) -> str:
    """The API base for a server URL: ``http://host:8470`` gets ``/api/v1`` appended."""
    stripped = url.rstrip("/")
    if urlsplit(stripped).path in ("", "/"):
        return stripped + API_PATH
    return stripped


class ApiClient:
    """Async client of API v1 for one device token.

    ``base_url`` is the server (``http://192.168.1.10:8470``) or its API base
    (``.../api/v1``). Without a ``session`` the client opens its own on first use and
    closes it in ``close()``; a given session is left open. Every call raises
    ServerUnavailable, ApiError (a subclass per error code) or ProtocolError.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        session: aiohttp.ClientSession | None = None,
        *,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        total_timeout_s: float = TOTAL_TIMEOUT_S,
    ) -> None:
        self.base_url = api_base_url(base_url)
        self.token = token
        self._session = session
        self._owns_session = session is None
        self._timeout = aiohttp.ClientTimeout(total=total_timeout_s, sock_connect=connect_timeout_s)

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this client opened it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _request(
        self,
        method: str,
        path: str,
        parse: Callable[[object], Result],
        body: Mapping[str, object] | None = None,
        params: Mapping[str, str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        headers = {"Accept": "application/json", **(extra_headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = self.base_url + path
        try:
            async with self._get_session().request(
                method,
                url,
                json=body,
                params=params,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                status = response.status
                raw = await response.read()
        except TimeoutError as exc:
            raise ServerUnavailable(f"{method} {path}: the server did not answer in time") from exc
        except aiohttp.ClientError as exc:
            raise ServerUnavailable(f"{method} {path}: {exc or type(exc).__name__}") from exc
        if status >= 400:
            raise self._error(status, raw, f"{method} {path}")
        return parse(decode_json(raw))

    @staticmethod
    def _error(status: int, raw: bytes, what: str) -> Exception:
        try:
            data = decode_json(raw)
        except ProtocolError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            message = data.get("message")
            reason = data.get("reason")
            return api_error(
                status,
                data["error"],
                message if isinstance(message, str) else "",
                reason if isinstance(reason, str) else None,
            )
        if status in (502, 503, 504):
            # A proxy or gateway in front of a server that is down.
            return ServerUnavailable(f"{what}: gateway answered {status}")
        if status >= 500:
            # A crashed handler: a bug of the server, logged loudly.
            logger.error("%s: server error %d without an error body", what, status)
            return api_error(status, "server_error", f"server error {status}")
        return ProtocolError(f"{what}: status {status} without an error body")

    # -- public -------------------------------------------------------------------------

    async def start_pairing(self, device: str) -> PairingCode:
        """POST /pairings (no token): a new pairing code for this device to show."""
        return await self._request("POST", "/pairings", parse_pairing_code, {"device": device})

    async def poll_pairing(self, pairing_id: str, wait_s: float = 0) -> DeviceGrant | None:
        """GET /pairings/{id}?wait=S: None while pending, the grant (once) when approved.

        PairingExpired when the server no longer knows the pairing. The call may last
        ``wait_s``: give the client a total timeout longer than that.
        """
        return await self._request(
            "GET", f"/pairings/{quote(pairing_id, safe='')}", parse_poll,
            params={"wait": str(int(wait_s))},
        )  # fmt: skip

    async def health(self) -> Health:
        """GET /health (no token needed)."""
        return await self._request("GET", "/health", parse_health)

    async def services(self) -> tuple[Service, ...]:
        """GET /services: every service with its open state and counts."""
        return await self._request("GET", "/services", parse_services)

    async def counters(self) -> tuple[Counter, ...]:
        """GET /counters: every counter with its state and current ticket."""
        return await self._request("GET", "/counters", parse_counters)

    async def snapshot(self) -> Snapshot:
        """GET /snapshot: the whole state of today (any token)."""
        return await self._request("GET", "/snapshot", parse_snapshot)

    async def issue_ticket(
        self, service: str, priority: bool = False, request_key: str | None = None
    ) -> Ticket:
        """POST /tickets (kiosk): a new ticket with its ``check_url``.

        With ``request_key`` the same call again returns the same ticket, never a second
        one, and ``void_by_request_key`` can void it when the answer was lost.
        """
        extra = {"Idempotency-Key": request_key} if request_key else None
        return await self._request(
            "POST",
            "/tickets",
            parse_ticket,
            {"service": service, "priority": priority},
            extra_headers=extra,
        )

    async def void_by_request_key(self, request_key: str) -> Ticket:
        """POST /tickets/void (kiosk): void what a request whose answer was lost issued.

        NotFound (``unknown_ticket``) when that request issued nothing.
        """
        return await self._request(
            "POST", "/tickets/void", parse_ticket, {"request_key": request_key}
        )

    async def void_ticket(self, ticket_id: int) -> Ticket:
        """POST /tickets/{id}/void (kiosk): the ticket could not be printed."""
        return await self._request("POST", f"/tickets/{int(ticket_id)}/void", parse_ticket, {})

    async def ticket_status(self, ticket_id: int, key: str) -> Ticket:
        """GET /tickets/{id}?key=... : status and people ahead, as a phone sees it."""
        return await self._request(
            "GET", f"/tickets/{int(ticket_id)}", parse_ticket, params={"key": key}
        )

    async def _counter_ticket(
        self, counter: int, action: str, body: Mapping[str, object] | None = None
    ) -> Ticket:
        return await self._request(
            "POST", f"/counters/{int(counter)}/{action}", parse_ticket, body or {}
        )

    async def call_next(self, counter: int) -> Ticket:
        """POST /counters/{n}/next: the called ticket; QueueEmpty when nobody waits."""
        return await self._counter_ticket(counter, "next")

    async def call_number(self, counter: int, number: str) -> Ticket:
        """POST /counters/{n}/call: call a given waiting number out of order (e.g. A005).

        The counter's current ticket is finished first, as with next. Refused unless the
        ticket waits in a service the counter serves (ApiError ``not_serving_service``).
        """
        return await self._counter_ticket(counter, "call", {"number": number})

    async def recall(self, counter: int) -> Ticket:
        """POST /counters/{n}/recall: announce the current ticket again."""
        return await self._counter_ticket(counter, "recall")

    async def done(self, counter: int) -> Ticket:
        """POST /counters/{n}/done: the current ticket is served."""
        return await self._counter_ticket(counter, "done")

    async def no_show(self, counter: int) -> Ticket:
        """POST /counters/{n}/no-show: the called visitor did not come."""
        return await self._counter_ticket(counter, "no-show")

    async def requeue(self, counter: int, number: str) -> Ticket:
        """POST /counters/{n}/requeue: put a no-show ticket of today back in line."""
        return await self._counter_ticket(counter, "requeue", {"number": number})

    async def transfer(self, counter: int, service: str) -> Ticket:
        """POST /counters/{n}/transfer: move the current ticket to another service."""
        return await self._counter_ticket(counter, "transfer", {"service": service})

    async def pause(self, counter: int) -> Counter:
        """POST /counters/{n}/pause: the counter takes no visitors for now."""
        return await self._request("POST", f"/counters/{int(counter)}/pause", parse_counter, {})

    async def resume(self, counter: int) -> Counter:
        """POST /counters/{n}/resume: the counter takes visitors again."""
        return await self._request("POST", f"/counters/{int(counter)}/resume", parse_counter, {})

    async def sign_in(self, counter: int, name: str, pin: str) -> Counter:
        """POST /counters/{n}/sign-in: a clerk signs in at the counter with name and PIN."""
        return await self._request(
            "POST", f"/counters/{int(counter)}/sign-in", parse_counter, {"name": name, "pin": pin}
        )

    async def sign_out(self, counter: int) -> Counter:
        """POST /counters/{n}/sign-out: the signed-in clerk leaves the counter."""
        return await self._request("POST", f"/counters/{int(counter)}/sign-out", parse_counter, {})

    async def close_service(self, code: str) -> Service:
        """POST /services/{code}/close (admin): stop issuing tickets for the service."""
        return await self._request(
            "POST", f"/services/{quote(code, safe='')}/close", parse_service, {}
        )

    async def open_service(self, code: str) -> Service:
        """POST /services/{code}/open (admin): issue tickets for the service again."""
        return await self._request(
            "POST", f"/services/{quote(code, safe='')}/open", parse_service, {}
        )
