"""The storage port: what the office asks of a database, whichever engine it is.

The office hands the store *domain changes* (`Commit`: one event and the rows it changed),
never SQL. Two adapters implement `Store`: SQLite (`server.storage.sqlite`, the embedded
default) and PostgreSQL (`server.storage.postgres`). Every method is blocking and may be
called from any thread; the office calls the slow ones through `asyncio.to_thread` and
hands commits to the store's writer thread, which groups them into durable transactions.

Failure semantics (the same on both engines):
- `submit()` callbacks run on the event loop, in submit order, only after the commit that
  holds the job is durable, or with the error that lost it.
- After a failed commit the writer is *failed*: every job queued behind it, and every job
  submitted until `resume()`, fails with that error without touching the database.
- A new ticket is inserted and a changed ticket updated by id; a clash (the id exists, the
  row is missing) fails the commit instead of replacing a row.
- Only the active store writes. `acquire()` decides: a lock file on SQLite, a lease row with
  a fencing epoch on PostgreSQL; a store that did not acquire is a standby. On PostgreSQL a
  standby takes over (`take_over()`) once the active server stops renewing its lease, and
  an active store that lost its lease (`holds_lease()` False) stops writing and is a
  standby again; SQLite's lock file is one PC's, so there is no takeover there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from server.domain.model import Counter, Ticket, clerks_on_duty
from server.reports.visit import Visit

EVENT_VERSION = 1  # `v` of every event this Antrian writes


class Role(StrEnum):
    """What a device token may do."""

    KIOSK = "kiosk"
    COUNTER = "counter"
    DISPLAY = "display"
    ADMIN = "admin"
    CENTRAL = "central"
    SURVEY = "survey"  # a tablet at one loket: the SKM questions for its visitors


# the roles whose token belongs to one counter
COUNTER_ROLES = frozenset({Role.COUNTER, Role.SURVEY})


@dataclass(frozen=True, slots=True)
class DeviceToken:
    """A device's credential as stored (the secret itself is never stored)."""

    id: int
    name: str
    role: Role
    counter: int | None
    created_at: str
    revoked_at: str | None


class AccountRole(StrEnum):
    """What a person's account may do (devices have a `Role` instead)."""

    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    CLERK = "clerk"


@dataclass(frozen=True, slots=True)
class Account:
    """A person's account as listed (its password hash is read only to sign in)."""

    id: int
    name: str
    role: AccountRole
    created_at: str
    disabled_at: str | None
    secret_changed_at: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One supervisor's or admin's action: who, when, what (shown in /admin)."""

    at: str
    actor: str
    role: str
    action: str
    detail: str = ""
    id: int = 0


@dataclass(frozen=True, slots=True)
class ActiveServer:
    """Who holds the database (shown by a standby)."""

    server: str
    url: str | None
    since: str

    def as_json(self) -> dict[str, Any]:
        return {"server": self.server, "url": self.url, "since": self.since}


@dataclass(frozen=True, slots=True)
class ReplicaState:
    """A streaming replica of the database as its primary sees it (pg_stat_replication)."""

    name: str
    address: str | None
    state: str | None  # "streaming", "catchup", ...
    sync: str | None  # "sync", "async", "potential", "quorum"
    lag_bytes: int | None  # WAL not yet replayed there
    lag_s: float | None  # how long the last replayed commit took to reach it

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "address": self.address, "state": self.state, "sync": self.sync,
            "lag_bytes": self.lag_bytes, "lag_s": self.lag_s,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClusterView:
    """Who serves this database: the active server, the standbys, the replicas (reads only)."""

    active: ActiveServer | None
    standbys: tuple[str, ...]
    replicas: tuple[ReplicaState, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        found = []
        if not self.standbys:
            found.append("no_standby")
        if not self.replicas:
            found.append("no_replica")
        return tuple(found)

    def as_json(self) -> dict[str, Any]:
        return {
            "active": self.active.as_json() if self.active is not None else None,
            "standbys": list(self.standbys),
            "replicas": [replica.as_json() for replica in self.replicas],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the office's record: an append-only, numbered change.

    `tickets` holds the state after the change of every ticket it touched (`ticket` is the
    main one), as plain JSON values; `data` the rest of what the change said (services,
    counter state, the service a transfer came from, …).
    """

    id: int
    type: str
    at: datetime
    day: date
    ticket: int | None = None
    counter: int | None = None
    clerk: str | None = None
    tickets: tuple[dict[str, Any], ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    v: int = EVENT_VERSION
    synthesized: bool = False  # rebuilt from an older database's ticket rows


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """One SKM answer as stored: the answers stay, the profile and comment may be deleted.

    `day` is the visit's day (the ticket's), by which reports and retention count.
    """

    ticket: int
    day: date
    answered_at: datetime
    service: str
    counter: int | None
    channel: str
    answers: tuple[int, ...]  # u1..u9
    age: int | None = None
    gender: str | None = None
    education: str | None = None
    occupation: str | None = None
    comment: str | None = None

    @property
    def has_profile(self) -> bool:
        return any(
            value is not None
            for value in (self.age, self.gender, self.education, self.occupation, self.comment)
        )


@dataclass(frozen=True, slots=True)
class SkmSums:
    """The SKM answers of one service in a period: how many, and each element's sum."""

    service: str
    respondents: int
    sums: tuple[int, ...]  # u1..u9


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A visitor's suggestion or complaint (saran/pengaduan), with its day and service."""

    day: date
    service: str
    comment: str


@dataclass(frozen=True, slots=True)
class Commit:
    """One change to store in one go: its event and the state rows it changed."""

    event: Event
    new_tickets: tuple[Ticket, ...] = ()
    changed_tickets: tuple[Ticket, ...] = ()
    counters: tuple[Counter, ...] = ()
    service_states: tuple[tuple[str, bool], ...] = ()  # (code, closed by the supervisor)
    # (code, the supervisor's reason) for each service of `service_states`; None: no reason
    service_notes: tuple[tuple[str, str | None], ...] = ()
    # the office settings this change stores (their document as JSON text); None: unchanged
    settings: str | None = None
    survey: SurveyRow | None = None  # an SKM answer stored with its `survey.answered` event


@dataclass(frozen=True, slots=True)
class DayState:
    """What the office needs to hold one day in memory."""

    tickets: tuple[Ticket, ...]
    counters: tuple[Counter, ...]
    closed_services: frozenset[str]
    next_ticket_id: int
    last_event_id: int
    closed_notes: dict[str, str] = field(default_factory=dict)  # the supervisor's reasons


def with_clerks(counters: list[Counter], sign_ins: Iterable[tuple[Any, ...]]) -> list[Counter]:
    """The counters with the clerk signed in at each today (from the day's sign-in events)."""
    on_duty = clerks_on_duty(
        (int(counter), str(kind), str(clerk) if clerk is not None else None)
        for counter, kind, clerk in sign_ins
    )
    return [replace(counter, clerk=on_duty.get(counter.number)) for counter in counters]


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A token row as stored, for copying a database (the hash, never the secret)."""

    token: DeviceToken
    token_hash: str


@dataclass(frozen=True, slots=True)
class History:
    """A whole database in domain values: what `migrate`, `backup` and `restore` move."""

    log_id: str
    tickets: Sequence[Ticket]
    counters: Sequence[tuple[Counter, date | None]]  # with the day of their current ticket
    closed_services: frozenset[str]
    tokens: Sequence[StoredToken]
    events: Sequence[Event]
    accounts: Sequence[tuple[Account, str]] = ()  # with its password hash
    audit: Sequence[AuditEntry] = ()
    closed_notes: dict[str, str] = field(default_factory=dict)
    settings: tuple[str, int] | None = None  # the stored settings (JSON) and their event id
    # the SKM answers with their event id; a profile retention deleted stays empty
    surveys: Sequence[tuple[SurveyRow, int]] = ()


Done = Callable[[BaseException | None], None]


class Store(Protocol):
    """The office's record on one database engine."""

    @property
    def log_id(self) -> str:
        """This database's random UUID (a restored or re-installed office has another)."""
        ...

    @property
    def description(self) -> str:
        """Where the data lives, for logs and `doctor` (never a password)."""
        ...

    # ------------------------------------------------------------ who writes

    def acquire(self) -> bool:
        """Become the one active writer (then migrate); False: another server is active."""
        ...

    def open_existing(self) -> None:
        """For the CLIs: create the schema if there is none, without becoming the writer."""
        ...

    @property
    def takes_over(self) -> bool:
        """Whether a standby of this engine takes over when the active server dies."""
        ...

    def take_over(self) -> bool:
        """For a standby: become the writer if the active server is gone (then migrate)."""
        ...

    def holds_lease(self) -> bool:
        """For the active store: still the one writer? Once False, it writes nothing more."""
        ...

    def stop_writing(self) -> None:
        """After `holds_lease()` turned False: stop the writer (queued jobs fail)."""
        ...

    def announce_address(self, url: str) -> None:
        """Record where clients reach the active server (for standbys to point at)."""
        ...

    def active_server(self) -> ActiveServer | None: ...

    def cluster_view(self) -> ClusterView | None:
        """For the active server: its standbys and replicas (None: SQLite, no such thing)."""
        ...

    # ------------------------------------------------------------ the day

    def load_day(self, day: date) -> DayState: ...

    def load_ticket(self, ticket_id: int) -> Ticket | None: ...

    def load_settings(self) -> dict[str, Any] | None:
        """The office settings stored at run time (their document); None: never changed."""
        ...

    # ------------------------------------------------------------ writing

    def start_writer(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the writer thread; callbacks of `submit` run on `loop`."""
        ...

    def submit(self, commit: Commit | None, done: Done) -> None:
        """Queue a commit (None: a barrier that stores nothing); `done` runs once durable."""
        ...

    @property
    def failed(self) -> bool: ...

    def resume(self) -> None:
        """Accept writes again after a failure (only once every earlier job completed)."""
        ...

    # ------------------------------------------------------------ the record

    def events_after(self, after_id: int, limit: int) -> Sequence[Event]: ...

    def head_event_id(self) -> int: ...

    # ------------------------------------------------------------ reports

    def visits_between(
        self, first: date, last: date, service: str | None = None, counter: int | None = None
    ) -> Sequence[Visit]:
        """The visits issued on the office-local days `first`..`last` (inclusive), by id;
        `service`: only those that ended in it; `counter`: only those its last call made.
        Read on a reading connection, never the writer's (a standby can answer too)."""
        ...

    # ------------------------------------------------------------ the SKM survey

    def survey_answered(self, ticket_id: int) -> bool: ...

    def skm_sums(self, first: date, last: date, service: str | None) -> list[SkmSums]:
        """Per service, the answers of visits from `first` to `last` (inclusive)."""
        ...

    def served_count(self, first: date, last: date, service: str | None) -> int:
        """Visitors served (tickets done) in the period: the survey's population."""
        ...

    def suggestions(
        self, first: date, last: date, service: str | None, limit: int
    ) -> list[Suggestion]:
        """The comments of the period, oldest first."""
        ...

    def latest_survey_day(self) -> date | None:
        """The visit day of the newest survey answer (None: no answer yet)."""
        ...

    def survey_profiles(
        self, first: date, last: date, service: str | None
    ) -> dict[str, dict[str, int]]:
        """Respondents per gender, education and occupation (of the profiles still kept)."""
        ...

    def delete_survey_profiles(self, before: date) -> int:
        """Delete the profiles and comments of visits before `before`; the answers stay."""
        ...

    # ------------------------------------------------------------ tokens

    def create_token(self, role: Role, name: str, counter: int | None, now: datetime) -> str: ...

    def find_token(self, secret: str) -> DeviceToken | None: ...

    def list_tokens(self) -> list[DeviceToken]: ...

    def revoke_token(self, name_or_id: str, now: datetime) -> int: ...

    def tokens_version(self) -> int:
        """Changes whenever a token is created or revoked (by any process)."""
        ...

    def revoke_token_id(self, token_id: int, now: datetime) -> bool:
        """Revoke one token by its id (not by a name that might look like an id)."""
        ...

    # ------------------------------------------------------------ accounts and audit

    def create_account(
        self, name: str, role: AccountRole, secret_hash: str, now: datetime
    ) -> Account:
        """A new account; `AccountExists` when the name (any case) is taken."""
        ...

    def list_accounts(self) -> list[Account]: ...

    def account_credentials(self, name: str) -> tuple[Account, str] | None:
        """The account with this name (any case) and its password hash, for signing in."""
        ...

    def set_account_secret(self, name: str, secret_hash: str, now: datetime) -> bool: ...

    def disable_account(self, name: str, now: datetime) -> bool:
        """Disable an active account (it can no longer sign in; its sessions end)."""
        ...

    def accounts_version(self) -> int:
        """Changes whenever an account is created, changed or disabled (by any process)."""
        ...

    def record_audit(self, entry: AuditEntry) -> None: ...

    def audit_trail(self, limit: int) -> list[AuditEntry]:
        """The newest `limit` entries, newest first."""
        ...

    # ------------------------------------------------------------ whole database

    def backup(self, destination: Path) -> None: ...

    def export_history(self) -> History:
        """Everything, read in one consistent transaction."""
        ...

    def import_history(self, history: History) -> None:
        """Fill an empty database with `history` (refused when it holds tickets or events)."""
        ...

    def close(self) -> None: ...
