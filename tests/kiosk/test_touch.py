"""Which touches count (injected clock): double taps, touches meant for the last screen."""

from __future__ import annotations

import pytest

from kiosk.touch import DOUBLE_TAP_S, SCREEN_SETTLE_S, TouchGuard


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_the_guard_waits_between_400_and_600_ms() -> None:
    assert 0.4 <= SCREEN_SETTLE_S <= 0.6
    assert 0.4 <= DOUBLE_TAP_S <= 0.6


@pytest.mark.parametrize(
    ("after_s", "counts"),
    [(0.0, False), (0.1, False), (0.3, False), (0.49, False), (0.5, True), (2.0, True)],
)
def test_a_touch_soon_after_a_screen_change_is_ignored(
    clock: FakeClock, after_s: float, counts: bool
) -> None:
    guard = TouchGuard(clock)
    guard.screen_shown("confirmation")
    clock.advance(5.0)
    guard.screen_shown("services")  # the confirmation went back to the start by itself
    clock.advance(after_s)
    assert guard.accept() is counts
    assert guard.settled() is counts


def test_the_same_screen_redrawn_does_not_start_the_settle_time_again(clock: FakeClock) -> None:
    guard = TouchGuard(clock)
    guard.screen_shown("services")
    clock.advance(1.0)
    guard.screen_shown("services")  # a new waiting count, same screen
    assert guard.accept()


def test_the_second_touch_of_a_double_tap_is_ignored_on_the_same_screen(
    clock: FakeClock,
) -> None:
    guard = TouchGuard(clock)
    guard.screen_shown("services")
    clock.advance(1.0)
    assert guard.accept()
    clock.advance(0.2)
    assert not guard.accept()
    clock.advance(0.4)
    assert guard.accept()


def test_an_ignored_touch_does_not_extend_the_wait(clock: FakeClock) -> None:
    guard = TouchGuard(clock)
    guard.screen_shown("services")
    clock.advance(0.3)
    assert not guard.accept()
    clock.advance(0.2)
    assert guard.accept()


def test_a_new_visitor_is_no_double_tap(clock: FakeClock) -> None:
    guard = TouchGuard(clock)
    guard.screen_shown("services")
    clock.advance(1.0)
    assert guard.accept()
    guard.new_visitor()
    clock.advance(0.1)
    assert guard.accept()
