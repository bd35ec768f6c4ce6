"""Clerks signing in at a counter and out of it: checked against their accounts, recorded.

A sign-in and a sign-out are events of the office's record (`clerk.signed_in`,
`clerk.signed_out`, with the counter and the clerk), so a restart keeps who is signed in
where and reports can tell who served: every later change made at that counter carries the
clerk's name. A sign-in lasts until the clerk signs out, signs in at another counter (one
clerk is at one counter at a time: the other counter is signed out first), another clerk
signs in at the same counter, or midnight.

Messages meant for people are in Indonesian (the counter's language).
"""

from __future__ import annotations

import asyncio
import math

from server.accounts import Accounts, Refusal
from server.domain.model import Counter
from server.errors import AntrianError
from server.office import Office


class SignInRefused(AntrianError):
    """A sign-in at a counter that is refused: an HTTP status, an error code, a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _refused(refusal: Refusal, wait_s: float) -> SignInRefused:
    if refusal is Refusal.TOO_MANY:
        minutes = max(1, math.ceil(wait_s / 60))
        return SignInRefused(
            429, "too_many_attempts",
            f"Terlalu banyak percobaan; coba lagi dalam {minutes} menit.",
        )  # fmt: skip
    if refusal is Refusal.NOT_CLERK:
        return SignInRefused(
            403, "not_a_clerk", "Akun ini bukan akun petugas loket; masuk dengan akun petugas."
        )
    return SignInRefused(401, "wrong_pin", "Nama atau PIN salah.")


async def sign_in(
    office: Office, accounts: Accounts, number: int, name: str, pin: str, address: str
) -> Counter:
    """Sign a clerk in at counter `number` (checking the name and PIN); its new state."""
    office.day.counter(number)  # an unknown counter is refused before any PIN is checked
    answer = await asyncio.to_thread(accounts.sign_in_clerk, name, pin, address)
    if answer.account is None:
        raise _refused(answer.refusal or Refusal.WRONG, answer.wait_s)
    clerk = answer.account.name  # as the account spells it, whatever case was typed
    elsewhere = office.day.counter_of_clerk(clerk)
    if elsewhere is not None and elsewhere != number:
        await office.perform(lambda day, now: day.sign_out(elsewhere), clerk=clerk)
    before = office.day.counter(number).clerk
    if before == clerk:
        return office.day.counter(number)  # signed in here already: nothing to record
    if before is not None:
        await office.perform(lambda day, now: day.sign_out(number), clerk=before)
    performed = await office.perform(lambda day, now: day.sign_in(number, clerk))
    counter = performed.change.counter
    assert counter is not None
    return counter


async def sign_out(office: Office, number: int) -> Counter:
    """The clerk at counter `number` signs out; nothing is recorded when nobody was in."""
    clerk = office.day.counter(number).clerk
    if clerk is None:
        return office.day.counter(number)
    performed = await office.perform(lambda day, now: day.sign_out(number), clerk=clerk)
    counter = performed.change.counter
    assert counter is not None
    return counter
