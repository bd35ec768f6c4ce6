"""Which touches count: not a double tap's second touch, not one meant for the last screen.

A touch that comes a moment after the screen changed was aimed at the screen before it:
the visitor touched "Selesai" just as the confirmation went back to the start by itself,
and the finger lands on the priority button of the next visitor's screen. Nobody reacts
to a new screen that fast (people need some 250 ms to see a change and more to move a
finger to a new target), so such a touch is dropped.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Final

logger = logging.getLogger(__name__)

# The second touch of a double tap lands on whatever the first one brought up ("Selesai"
# -> the priority button under it): a touch this soon after the last one is ignored.
DOUBLE_TAP_S: Final = 0.5
# A touch this soon after the screen changed is ignored: it was meant for the old one.
SCREEN_SETTLE_S: Final = 0.5

Clock = Callable[[], float]


class TouchGuard:
    """Decides whether a touch counts, from the time of the last touch and screen change."""

    def __init__(
        self,
        clock: Clock = time.monotonic,
        double_tap_s: float = DOUBLE_TAP_S,
        settle_s: float = SCREEN_SETTLE_S,
    ) -> None:
        self._clock = clock
        self.double_tap_s = double_tap_s
        self.settle_s = settle_s
        self._last_touch_at = -math.inf
        self._screen_since = -math.inf
        self._screen: object = None

    def screen_shown(self, screen: object) -> None:
        """The screen now on display; a different one than before starts the settle time."""
        if screen != self._screen:
            self._screen = screen
            self._screen_since = self._clock()

    def new_visitor(self) -> None:
        """The next touch is the next visitor's: it is no second touch of a double tap."""
        self._last_touch_at = -math.inf

    def settled(self) -> bool:
        """Whether the screen has been up long enough for a touch on it to count."""
        return self._clock() - self._screen_since >= self.settle_s

    def accept(self) -> bool:
        """True when a touch now counts; a touch that counts starts the double-tap time."""
        now = self._clock()
        since_screen = now - self._screen_since
        if since_screen < self.settle_s:
            logger.debug("ignored a touch %.0f ms after the screen changed", since_screen * 1000)
            return False
        since_touch = now - self._last_touch_at
        if since_touch < self.double_tap_s:
            logger.debug("ignored a touch %.0f ms after the last one", since_touch * 1000)
            return False
        self._last_touch_at = now
        return True
