"""The office's forwarder: push the office's record to the city's antrian-central.

Store-and-forward over the central's ingest API (`[city] url`, `token`, `ca_file`): ask
the central for the last event id it holds, push the events after it from the store in
batches of at most `BATCH_EVENTS`, then follow new events (a look at the office's newest
event id every `POLL_S`, no database read while nothing is new). Any failure — DNS, a
refused connection, a timeout, a 5xx — is logged once and retried with a growing delay;
the office never waits for the city: the forwarder holds no lock, reads the store in a
thread of its own, keeps at most one batch in memory and has a short request timeout.

A 409 `log_mismatch` (this office was re-installed: its record has another `log_id`
than the central holds) stops nothing here and loses nothing: it is shown on the city
dashboard and retried slowly. The central's answers carry its clock (`Date`): a skew of
more than `SKEW_WARNING_S` is logged and shown on /admin (certificates fail on PCs with
a wrong clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import aiohttp
from aiohttp import web

from server.config import CitySettings
from server.errors import StorageError
from server.office import Office
from server.record import event_json

log = logging.getLogger(__name__)
BATCH_EVENTS = 1000
POLL_S = 1.0
HEARTBEAT_S = 30.0  # an idle office still says it is alive (the central marks it stale)
REQUEST_TIMEOUT_S = 20.0
CONNECT_TIMEOUT_S = 5.0
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0
CONFLICT_RETRY_S = 60.0
SKEW_WARNING_S = 300.0
INGEST_PATH = "/api/v1/city/ingest"


class CentralRefused(Exception):
    """The central answered, but not with what the forwarder can go on with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


@dataclass(slots=True)
class CityStatus:
    """What /admin shows of the link to the city."""

    url: str
    last_push_at: datetime | None = None  # the last answer of the central
    central_last_id: int | None = None  # the newest event id the central holds
    error: str | None = None  # why the last attempt failed (None: it worked)
    conflict: bool = False
    clock_skew_s: float | None = None

    def backlog(self, office_last_id: int) -> int | None:
        """Events not at the central yet; None while it was never reached."""
        if self.central_last_id is None:
            return None
        return max(0, office_last_id - self.central_last_id)


def ssl_context(settings: CitySettings) -> ssl.SSLContext | bool:
    """Certificate verification against the city CA (or the system's); False for http://."""
    if settings.url is None or not settings.url.startswith("https://"):
        return False
    context = ssl.create_default_context(
        cafile=str(settings.ca_file) if settings.ca_file is not None else None
    )
    return context


class CityForwarder:
    """Pushes the office's events to the central, in order, exactly once, in the background."""

    def __init__(self, office: Office, settings: CitySettings) -> None:
        assert settings.url is not None
        self.office = office
        self.settings = settings
        self.status = CityStatus(url=settings.url)
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="antrian-city")
        self._failures = 0

    def start(self) -> None:
        if self.settings.url is not None and self.settings.url.startswith("http://"):
            log.warning(
                "the city link %s is plain http: use https:// with [city] ca_file outside "
                "one trusted network",
                self.settings.url,
            )
        self._task = asyncio.create_task(self._run(), name="antrian-city")

    def follow(self) -> None:
        """Push while this server is the active one (a standby pushes nothing; one that
        takes over starts pushing, one that lost its lease stops)."""
        running = self._task is not None and not self._task.done()
        if self.office.standby and running:
            assert self._task is not None
            self._task.cancel()
            self._task = None
        elif not self.office.standby and not running:
            self.start()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ---------------------------------------------------------------- the loop

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(
            total=REQUEST_TIMEOUT_S, connect=CONNECT_TIMEOUT_S, sock_connect=CONNECT_TIMEOUT_S
        )
        connector = aiohttp.TCPConnector(ssl=ssl_context(self.settings), limit=1)
        headers = {"Authorization": f"Bearer {self.settings.token}"}
        async with aiohttp.ClientSession(
            timeout=timeout, connector=connector, headers=headers
        ) as session:
            delay = RETRY_FIRST_S
            while True:
                try:
                    await self._sync(session)
                    if self._failures:
                        log.info("the city's central is reached again (%s)", self.settings.url)
                    self._failures = 0
                    self.status.error = None
                    delay = RETRY_FIRST_S
                    await self._wait_for_news()
                except asyncio.CancelledError:
                    raise
                except CentralRefused as exc:
                    self._failed(str(exc))
                    self.status.conflict = exc.code == "log_mismatch"
                    await asyncio.sleep(CONFLICT_RETRY_S if self.status.conflict else delay)
                    delay = min(delay * 2, RETRY_MAX_S)
                except (aiohttp.ClientError, TimeoutError, OSError, ValueError,
                        StorageError) as exc:  # fmt: skip
                    # StorageError: the office's own database failed a read (it reconnects)
                    self._failed(f"{type(exc).__name__}: {exc}")
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX_S)
                except Exception:  # loop boundary: a bug is logged loudly, the office goes on
                    log.exception("pushing the record to the city failed")
                    self.status.error = "internal error (logged)"
                    await asyncio.sleep(RETRY_MAX_S)

    def _failed(self, reason: str) -> None:
        self.status.error = reason
        self._failures += 1
        if self._failures == 1:  # a fault that repeats is logged once
            log.warning("cannot push the record to %s: %s (retrying)", self.settings.url, reason)

    async def _wait_for_news(self) -> None:
        """Until the office has events the central has not, or a heartbeat is due."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while loop.time() - started < HEARTBEAT_S:
            await asyncio.sleep(POLL_S)
            held = self.status.central_last_id or 0
            if self.office.last_event_id > held:
                return

    # ---------------------------------------------------------------- one round

    async def _sync(self, session: aiohttp.ClientSession) -> None:
        """Ask what the central holds, then push everything after it."""
        answer = await self._call(session, "GET", None, f"?log_id={self.office.log_id}")
        log_id, held = answer.get("log_id"), answer.get("last_event_id")
        if not isinstance(held, int) or isinstance(held, bool) or held < 0:
            raise ValueError("the central's answer has no last_event_id")
        if log_id is not None and log_id != self.office.log_id:
            raise CentralRefused(409, "log_mismatch", f"the central holds record {log_id}")
        self.status.conflict = False
        self._held(held)
        loop = asyncio.get_running_loop()
        store = self.office.store
        name = self.office.config.office_name
        while True:
            events = await loop.run_in_executor(
                self._executor, store.events_after, held, BATCH_EVENTS
            )
            if not events:
                return
            body = {
                "log_id": self.office.log_id,
                "events": [event_json(event, name) for event in events],
                "targets": self._targets(),
            }
            answer = await self._call(session, "POST", body)
            new_held = answer.get("last_event_id")
            if not isinstance(new_held, int) or new_held < held:
                raise ValueError("the central's answer has no last_event_id")
            held = new_held
            self._held(held)

    def _held(self, last_id: int) -> None:
        self.status.central_last_id = last_id
        self.status.last_push_at = datetime.now(UTC)

    def _targets(self) -> dict[str, int]:
        return {
            service.code: service.target_wait_minutes
            for service in self.office.config.services
            if service.target_wait_minutes is not None
        }

    async def _call(
        self,
        session: aiohttp.ClientSession,
        method: str,
        body: dict[str, Any] | None,
        query: str = "",
    ) -> dict[str, Any]:
        url = f"{self.settings.url}{INGEST_PATH}{query}"
        headers = {"Date": format_datetime(datetime.now(UTC), usegmt=True)}
        async with session.request(method, url, json=body, headers=headers) as response:
            self._note_clock(response.headers.get("Date"))
            try:
                answer = await response.json(content_type=None)
            except ValueError:
                answer = None
            if response.status == 409 and isinstance(answer, dict):
                # a gap (the central holds other than it said: the next round asks again)
                # or another record (`log_mismatch`)
                raise CentralRefused(409, str(answer.get("error")), str(answer.get("message")))
            if response.status >= 400 or not isinstance(answer, dict):
                code = answer.get("error") if isinstance(answer, dict) else None
                message = answer.get("message") if isinstance(answer, dict) else None
                if response.status >= 500:
                    raise aiohttp.ClientResponseError(
                        response.request_info, (), status=response.status,
                        message=str(message or response.reason),
                    )  # fmt: skip
                raise CentralRefused(response.status, str(code), str(message or response.reason))
            return answer

    def _note_clock(self, header: str | None) -> None:
        if not header:
            return
        try:
            central = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if central.tzinfo is None:
            return
        skew = (datetime.now(UTC) - central).total_seconds()
        warned = self.status.clock_skew_s is not None and abs(self.status.clock_skew_s) > 300
        self.status.clock_skew_s = skew
        if abs(skew) > SKEW_WARNING_S and not warned:
            log.warning(
                "this PC's clock is %.0f minutes off the city's central: set the time "
                "(certificates and reports need it)",
                skew / 60,
            )


CITY_KEY = web.AppKey("city_forwarder", CityForwarder)
