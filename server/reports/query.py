"""The reports an office serves: its store's visits of a range, as values or a summary.

These are the functions the web edge and the exporters (XLSX, PDF) call. They block
(they read the database): call them off the event loop, e.g. `asyncio.to_thread`. They
read through the store's own reading connections, never through the writer, so a standby
server may run them too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from server.domain.settings import OfficeSettings
from server.reports.summary import Group, SummaryResult, VisitsResult, summarize
from server.reports.visit import ended
from server.storage.port import Store


def targets_of(settings: OfficeSettings) -> Mapping[str, float]:
    """Each service's target waiting time in seconds (services without one left out)."""
    return {
        service.code: service.target_wait_minutes * 60.0
        for service in settings.services
        if service.target_wait_minutes is not None
    }


def visits(
    store: Store,
    first: date,
    last: date,
    *,
    settings: OfficeSettings,
    today: date,
    service: str | None = None,
    counter: int | None = None,
) -> VisitsResult:
    """The visits issued from `first` to `last` (office-local, inclusive), as of `today`."""
    if first > last:
        raise ValueError(f"the range {first}..{last} ends before it begins")
    found = store.visits_between(first, last, service=service, counter=counter)
    return VisitsResult(first, last, tuple(ended(found, today)), settings.zone)


def summary(
    store: Store,
    first: date,
    last: date,
    groups: Sequence[Group],
    *,
    settings: OfficeSettings,
    today: date,
    service: str | None = None,
    counter: int | None = None,
) -> SummaryResult:
    """The figures of the visits from `first` to `last`, grouped by `groups`."""
    found = visits(
        store, first, last, settings=settings, today=today, service=service, counter=counter
    )
    return summarize(found.rows, first, last, groups, targets_of(settings), settings.zone)
