"""Queue rules benchmark: what the call order costs per event and per snapshot.

    python bench/queue_bench.py [--waiting 300 1000 2000]

In this process, on the pure domain (no server, no disk): one service with `--waiting`
tickets (every fourth a priority one), under three settings: no fairness rules; both rules
(`max_in_row = 3`, `regular_after_minutes = 30`); both rules with 5 re-queued tickets
counting down. For each it times issuing a ticket with its JSON (its `people_ahead`), a
call of next, and a whole snapshot (every waiting ticket's `people_ahead`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.config import parse_config
from server.domain.queue import QueueDay
from server.web import serialize

START = datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
ONE_SERVICE: dict[str, Any] = {
    "services": [{"code": "A", "name": "Administrasi Kependudukan"}],
    "counters": [{"number": 1, "services": ["A"]}],
}
RULES = {"max_in_row": 3, "regular_after_minutes": 30}
REPEATS = 200


def build(waiting: int, rules: bool, requeued: int) -> tuple[QueueDay, datetime]:
    document = dict(ONE_SERVICE, office={"requeue_after": 10})
    if rules:
        document["priority"] = RULES
    day = QueueDay(parse_config(document), START.date())
    for index in range(waiting + requeued):
        day.issue("A", index % 4 == 0, START + timedelta(seconds=index))
    now = START + timedelta(minutes=45)  # the first regular tickets waited over 30 minutes
    for _ in range(requeued):
        number = day.call_next(1, now).ticket.number  # type: ignore[union-attr]
        day.no_show(1, now)
        day.requeue(1, number, now)
    return day, now


def per_call_ms(action: Any) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, nargs="+", default=[300, 1000, 2000])
    options = parser.parse_args()
    print(f"machine: Python {sys.version.split()[0]}; median of {REPEATS} of each")
    for waiting in options.waiting:
        for label, rules, requeued in (
            ("no rules", False, 0),
            ("both rules", True, 0),
            ("both rules, 5 re-queued", True, 5),
        ):
            day, now = build(waiting, rules, requeued)

            def issue(day: QueueDay = day, now: datetime = now) -> None:
                ticket = day.issue("A", False, now).ticket
                assert ticket is not None
                serialize.ticket_message(day, ticket, now)

            day, now = build(waiting, rules, requeued)
            issue_ms = per_call_ms(issue)
            day, now = build(waiting + REPEATS, rules, requeued)
            call_ms = per_call_ms(lambda day=day, now=now: day.call_next(1, now))
            day, now = build(waiting, rules, requeued)
            started = time.perf_counter()
            serialize.snapshot_message(day, now, 1, None)
            snapshot_ms = (time.perf_counter() - started) * 1000
            print(
                f"{waiting:5d} waiting, {label:24s} issue+json {issue_ms:.3f} ms, "
                f"next {call_ms:.3f} ms, snapshot {snapshot_ms:.1f} ms"
            )


if __name__ == "__main__":
    main()
