"""People's accounts: names, passwords and PINs, hashing, signing in, the failure limit.

Passwords (supervisor, admin: at least 8 characters) and clerks' PINs (4–8 digits) are
stored as argon2id hashes only. The `user` CLI changes accounts from another process; the
store counts those changes (`Store.accounts_version`) and `Accounts` compares the count
before it trusts its cache, so a disabled account is refused from the next request on.

Messages meant for people are in Indonesian (the office's language); the CLI prints them.
"""

from __future__ import annotations

import time
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.errors import AntrianError
from server.storage.port import Account, AccountRole

MAX_NAME_LENGTH = 64
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
PIN_LENGTHS = range(4, 9)
FAILURES_ALLOWED = 5
FAILURE_WINDOW_S = 300.0
VERSION_CHECK_S = 0.5  # how often the server looks for the `user` CLI's changes
# argon2id with a modest memory cost: a sign-in takes some 30 ms on a small office PC
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# verified when the name is unknown, so that a wrong name takes as long as a wrong password
_UNKNOWN_NAME_HASH = HASHER.hash("no such account")


class AccountError(AntrianError):
    """A name, password or PIN that cannot be used; the message is for people (Indonesian)."""


def clean_name(name: str) -> str:
    """The account name as stored: trimmed, normalised (NFC), printable, 1–64 characters."""
    cleaned = unicodedata.normalize("NFC", name.strip())
    if not cleaned:
        raise AccountError("Nama akun tidak boleh kosong.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise AccountError(f"Nama akun paling banyak {MAX_NAME_LENGTH} karakter.")
    if any(unicodedata.category(character).startswith("C") for character in cleaned):
        raise AccountError("Nama akun berisi karakter yang tidak dapat ditampilkan.")
    return cleaned


def check_secret(role: AccountRole, secret: str) -> None:
    """Refuse a password or PIN that does not fit the role."""
    if role is AccountRole.CLERK:
        if not (secret.isascii() and secret.isdigit() and len(secret) in PIN_LENGTHS):
            raise AccountError("PIN petugas loket harus 4 sampai 8 angka.")
        return
    if len(secret) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    if len(secret) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi paling banyak {MAX_PASSWORD_LENGTH} karakter.")
    if secret.strip() != secret or not secret.isprintable():
        raise AccountError("Kata sandi tidak boleh diawali/diakhiri spasi atau berisi kontrol.")


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    """Whether `secret` matches; None (an unknown name) takes as long and is False."""
    try:
        HASHER.verify(secret_hash or _UNKNOWN_NAME_HASH, secret)
    except (VerificationError, InvalidHashError):
        return False
    return secret_hash is not None


# ------------------------------------------------------------------ the running server


class Refusal(StrEnum):
    """Why a sign-in at /admin was refused (the page words it)."""

    WRONG = "wrong"
    TOO_MANY = "too_many"
    CLERK = "clerk"
    NOT_CLERK = "not_clerk"  # at a counter: a supervisor's or admin's account


@dataclass(frozen=True, slots=True)
class SignIn:
    """The answer to a sign-in: the account, or why not (and how long to wait)."""

    account: Account | None
    refusal: Refusal | None = None
    wait_s: float = 0.0


class LoginLimiter:
    """At most `FAILURES_ALLOWED` wrong passwords per name and address in a window."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self._clock()
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - FAILURE_WINDOW_S:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def wait_s(self, name: str, address: str) -> float:
        """Seconds until this name may try again from this address; 0: it may now."""
        failures = self._recent((name.casefold(), address))
        if len(failures) < FAILURES_ALLOWED:
            return 0.0
        return failures[-FAILURES_ALLOWED] + FAILURE_WINDOW_S - self._clock()

    def failed(self, name: str, address: str) -> None:
        key = (name.casefold(), address)
        self._failures.setdefault(key, self._recent(key)).append(self._clock())
        if len(self._failures) > 10_000:  # a flood of names: forget the oldest
            self._failures.pop(next(iter(self._failures)))

    def succeeded(self, name: str, address: str) -> None:
        self._failures.pop((name.casefold(), address), None)


class AccountSource(Protocol):
    """What signing in reads: an office's `Store`, or the city's database."""

    def accounts_version(self) -> int: ...

    def list_accounts(self) -> list[Account]: ...

    def account_credentials(self, name: str) -> tuple[Account, str] | None: ...


class Accounts:
    """Signing in and looking accounts up for the running server, with the CLI's changes seen."""

    def __init__(
        self,
        store: AccountSource,
        limiter: LoginLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.limiter = limiter or LoginLimiter()
        self._clock = clock
        self._version: int | None = None
        self._checked = -VERSION_CHECK_S
        self._by_id: dict[int, Account] = {}

    def forget(self) -> None:
        """Read the accounts again at the next lookup (this server changed one)."""
        self._version = None
        self._checked = -VERSION_CHECK_S

    def active(self, account_id: int) -> Account | None:
        """The account if it exists and is not disabled.

        The CLI's changes are looked for at most every `VERSION_CHECK_S` (one small read;
        on PostgreSQL a round trip the event loop should not make at every request).
        """
        now = self._clock()
        # an account not known yet was just created (a sign-in found it): read them now
        if now - self._checked >= VERSION_CHECK_S or account_id not in self._by_id:
            self._checked = now
            version = self.store.accounts_version()
            if version != self._version:
                self._by_id = {account.id: account for account in self.store.list_accounts()}
                self._version = version
        account = self._by_id.get(account_id)
        return account if account is not None and account.disabled_at is None else None

    def sign_in(self, name: str, secret: str, address: str) -> SignIn:
        """Check a name and password for /admin (blocking: hashing takes a moment)."""
        answer = self._check(name, secret, address)
        if answer.account is not None and answer.account.role is AccountRole.CLERK:
            return SignIn(None, Refusal.CLERK)
        return answer

    def sign_in_clerk(self, name: str, pin: str, address: str) -> SignIn:
        """Check a clerk's name and PIN at a counter (blocking), with /admin's failure limit."""
        answer = self._check(name, pin, address)
        if answer.account is not None and answer.account.role is not AccountRole.CLERK:
            return SignIn(None, Refusal.NOT_CLERK)
        return answer

    def _check(self, name: str, secret: str, address: str) -> SignIn:
        wait_s = self.limiter.wait_s(name, address)
        if wait_s > 0:
            return SignIn(None, Refusal.TOO_MANY, wait_s)
        found = self.store.account_credentials(name.strip()) if name.strip() else None
        account, secret_hash = found if found is not None else (None, None)
        if account is not None and account.disabled_at is not None:
            secret_hash = None
        if not verify_secret(secret_hash, secret) or account is None:
            self.limiter.failed(name, address)
            wait_s = self.limiter.wait_s(name, address)
            if wait_s > 0:
                return SignIn(None, Refusal.TOO_MANY, wait_s)
            return SignIn(None, Refusal.WRONG)
        self.limiter.succeeded(name, address)
        return SignIn(account)
