"""The figures of a set of visits: counts, time statistics and the share within standard.

Pure arithmetic, no I/O. Percentiles interpolate linearly between the two nearest ranks
(as PostgreSQL's `percentile_cont` and numpy's default): for n sorted values and a
fraction q, the rank is h = (n − 1)·q and the value x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
Every engine's visits go through this one function, so both databases give the same
figures. Seconds are rounded to 0.1 s and shares to 4 decimals only when shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server.reports.visit import Visit, VisitStatus

SECONDS_DECIMALS = 1
SHARE_DECIMALS = 4


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The `fraction` (0..1) percentile of `ordered` (sorted, not empty), interpolated."""
    if not ordered:
        raise ValueError("the percentile of no values")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"a percentile fraction must be within 0..1, not {fraction}")
    rank = (len(ordered) - 1) * fraction
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (rank - below) * (ordered[above] - ordered[below])


def _seconds(value: float | None) -> float | None:
    return round(value, SECONDS_DECIMALS) if value is not None else None


@dataclass(frozen=True, slots=True)
class Stats:
    """Mean, median, 90th percentile and maximum of some durations; None for none."""

    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    max: float | None = None
    count: int = 0

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        ordered = sorted(values)
        if not ordered:
            return cls()
        return cls(
            mean=math.fsum(ordered) / len(ordered),
            median=percentile(ordered, 0.5),
            p90=percentile(ordered, 0.9),
            max=ordered[-1],
            count=len(ordered),
        )

    def to_json(self) -> dict[str, float | None]:
        return {
            "mean": _seconds(self.mean),
            "median": _seconds(self.median),
            "p90": _seconds(self.p90),
            "max": _seconds(self.max),
        }


@dataclass(frozen=True, slots=True)
class Figures:
    """What a summary says of one group of visits (or of all of them)."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    voided: int = 0
    unserved: int = 0
    transferred: int = 0
    requeued: int = 0
    wait_s: Stats = Stats()
    service_s: Stats = Stats()
    # served visits within their service's target waiting time ÷ served visits of
    # services that have a target; None when there are none
    within_standard: float | None = None

    def to_json(self) -> dict[str, Any]:
        share = self.within_standard
        return {
            "issued": self.issued,
            "served": self.served,
            "no_show": self.no_show,
            "voided": self.voided,
            "unserved": self.unserved,
            "transferred": self.transferred,
            "requeued": self.requeued,
            "wait_s": self.wait_s.to_json(),
            "service_s": self.service_s.to_json(),
            "within_standard": round(share, SHARE_DECIMALS) if share is not None else None,
        }


def figures_of(visits: Sequence[Visit], targets_s: Mapping[str, float]) -> Figures:
    """The figures of `visits`; `targets_s` is each service's target wait in seconds."""
    counts = dict.fromkeys(VisitStatus, 0)
    transferred = requeued = 0
    waits: list[float] = []
    durations: list[float] = []
    measured = within = 0
    for visit in visits:
        counts[visit.status] += 1
        transferred += visit.transfers > 0
        requeued += visit.requeues > 0
        wait_s = visit.wait_s
        if wait_s is None:
            continue
        waits.append(wait_s)
        service_s = visit.service_s
        if service_s is not None:
            durations.append(service_s)
        target = targets_s.get(visit.service)
        if target is not None:
            measured += 1
            within += wait_s <= target
    return Figures(
        issued=len(visits),
        served=counts[VisitStatus.DONE],
        no_show=counts[VisitStatus.NO_SHOW],
        voided=counts[VisitStatus.VOIDED],
        unserved=counts[VisitStatus.UNSERVED],
        transferred=transferred,
        requeued=requeued,
        wait_s=Stats.of(waits),
        service_s=Stats.of(durations),
        within_standard=within / measured if measured else None,
    )
