"""Reports run in a worker process of their own, off the server's event loop and GIL.

A year's report reads and works through 150,000 visits: in a thread of the server it
would hold the interpreter lock for seconds, and every ticket issued meanwhile would
wait for it. One worker process (started with `spawn`, kept for the server's life) takes
the report jobs one after another, on the other CPU core and at a lower priority (nice
10: when the server and the worker both want the CPU, the server goes first); it opens
the office's store the way the server does (reading connections only: never the writer,
never the lock or the lease) and sends back the finished bytes (JSON or a download). A
worker that died is replaced at the next job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from server.errors import StorageError
from server.reports import query
from server.reports.export_text import long_date
from server.reports.formats import PDF_TYPE, SUMMARY_FORMATS, VISITS_FORMATS, XLSX_TYPE
from server.reports.monthly import monthly_json
from server.reports.monthly_query import gather_monthly, page_figures
from server.reports.pdf import monthly_pdf, skm_pdf
from server.reports.summary import Group, SummaryResult, VisitsResult
from server.reports.xlsx import monthly_workbook, skm_workbook

if TYPE_CHECKING:
    from server.config import Config
    from server.storage.port import Store

log = logging.getLogger(__name__)
JSON_TYPE = "application/json; charset=utf-8"
STORES_KEPT = 4  # stores a worker keeps open (a test run starts many offices)


@dataclass(frozen=True, slots=True)
class ReportJob:
    """One report to make: which, of what range, in which format and language.

    `kind`: "visits", "summary", "monthly" (the camat's month: `first` is its 1st),
    "page" (the three summaries /admin/reports draws, by day, by service and by
    `groups[0]`) or "skm" (the SKM tables of `skm`, the figures the survey computed)."""

    kind: str
    first: date
    last: date
    today: date
    groups: tuple[Group, ...] = ()
    service: str | None = None
    counter: int | None = None
    format: str = "json"
    language: str = "id"
    skm: Mapping[str, Any] | None = None  # monthly, skm: the period's SKM figures
    logo: Path | None = None  # monthly, skm (PDF): the letterhead's logo file

    @property
    def filename(self) -> str:
        if self.kind == "monthly":
            return f"laporan-{self.first:%Y-%m}.{self.format}"
        if self.kind == "skm":
            return f"skm-{self.first.isoformat()}-{self.last.isoformat()}.{self.format}"
        name = "kunjungan" if self.kind == "visits" else "ringkasan"
        formats = VISITS_FORMATS if self.kind == "visits" else SUMMARY_FORMATS
        extension = formats[self.format].extension if self.format in formats else "json"
        return f"{name}-{self.first.isoformat()}-{self.last.isoformat()}.{extension}"


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    content_type: str


REPORT_NICENESS = 10  # the worker yields the CPU to the server when both want it


def _lower_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.nice(REPORT_NICENESS)


_stores: OrderedDict[tuple[str, str], Store] = OrderedDict()


def _store(config: Config, data_dir: Path) -> Store:
    """This worker's store of that office (kept open for the next job)."""
    from server.storage import open_store

    key = (config.server.database or "", str(data_dir))
    store = _stores.get(key)
    if store is None:
        store = open_store(config, data_dir)
        _stores[key] = store
        while len(_stores) > STORES_KEPT:
            _, oldest = _stores.popitem(last=False)
            with contextlib.suppress(Exception):
                oldest.close()
    _stores.move_to_end(key)
    return store


def render(job: ReportJob, config: Config, data_dir: Path) -> Rendered:
    """Make the report (in the worker process; blocking)."""
    if job.kind == "skm":
        return _skm_file(job, config)
    store = _store(config, data_dir)
    if job.kind == "monthly":
        return _monthly(job, config, store)
    if job.kind == "page":
        group = str(job.groups[0]) if job.groups else "day"
        figures = page_figures(store, config, job.first, job.last, group, job.today)
        return Rendered(orjson.dumps(figures), JSON_TYPE)
    formats = VISITS_FORMATS if job.kind == "visits" else SUMMARY_FORMATS
    result: VisitsResult | SummaryResult
    if job.kind == "visits":
        result = query.visits(
            store, job.first, job.last, settings=config, today=job.today,
            service=job.service, counter=job.counter,
        )  # fmt: skip
    else:
        result = query.summary(
            store, job.first, job.last, job.groups, settings=config, today=job.today,
            service=job.service, counter=job.counter,
        )  # fmt: skip
    if job.format == "json":
        return Rendered(orjson.dumps(result.to_json()), JSON_TYPE)
    chosen = formats[job.format]
    return Rendered(chosen.render(result, config, job.language), chosen.content_type)


def _monthly(job: ReportJob, config: Config, store: Store) -> Rendered:
    report = gather_monthly(store, config, job.first, job.today, job.skm)
    if job.format == "pdf":
        return Rendered(monthly_pdf(report, job.language, job.logo), PDF_TYPE)
    if job.format == "xlsx":
        return Rendered(monthly_workbook(report, job.language), XLSX_TYPE)
    return Rendered(orjson.dumps(monthly_json(report)), JSON_TYPE)


def _skm_file(job: ReportJob, config: Config) -> Rendered:
    """The SKM tables of `job.skm` as XLSX or PDF (signed `job.today`)."""
    figures = job.skm or {}
    period = f"{long_date(job.first, job.language)} – {long_date(job.last, job.language)}"
    if job.format == "pdf":
        body = skm_pdf(figures, config.office_name, config.letterhead, period, job.today,
                       job.language, job.logo)  # fmt: skip
        return Rendered(body, PDF_TYPE)
    return Rendered(skm_workbook(figures, job.language, period), XLSX_TYPE)


class ReportRunner:
    """Hands report jobs to the one worker process (shared by every office in a process)."""

    _pool: ProcessPoolExecutor | None = None
    _guard = threading.Lock()

    @classmethod
    def _executor(cls) -> ProcessPoolExecutor:
        with cls._guard:
            if cls._pool is None:
                context = multiprocessing.get_context("spawn")
                cls._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=context, initializer=_lower_priority
                )
            return cls._pool

    @classmethod
    def _discard(cls, pool: ProcessPoolExecutor) -> None:
        with cls._guard:
            if cls._pool is pool:
                cls._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    async def run(self, job: ReportJob, config: Config, data_dir: Path) -> Rendered:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            pool = self._executor()
            try:
                return await loop.run_in_executor(pool, render, job, config, data_dir)
            except BrokenProcessPool as exc:
                self._discard(pool)
                log.error("the reports' worker process died; starting another")
                if attempt == 2:
                    raise StorageError("the reports' worker process stopped; try again") from exc
        raise AssertionError("unreachable")

    @classmethod
    def shutdown(cls) -> None:
        with cls._guard:
            pool, cls._pool = cls._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
