"""Fixtures shared by every test package."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import clean_page
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster, find_bin_dir

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from client.pyside_fix import apply_reference_fix

# Before any test emits a Qt signal: an affected PySide6 build aborts a long test run.
apply_reference_fix()


# Tests that advertise or browse over zeroconf on this machine's loopback would see each
# other's servers when two test workers run them at once: they share one worker, in turn.
ZEROCONF_MODULES = frozenset(
    {"test_discovery", "test_qt_bridge", "test_takeover_advert", "test_process"}
)


# Tests that time a takeover or a reconnect, or wait a few seconds for a busy Qt program,
# missed their bounds when a second worker kept both cores busy: ./run-tests runs them on
# their own after the rest (like the tests marked `serial` in their module).
SERIAL_MODULES = frozenset(
    {
        "test_takeover",
        "test_takeover_browser",
        "test_failover",
        "test_storage_faults",
        "test_counter_reconnect",
        "test_counter_clerk",
        "test_counter_window",
    }
)


@pytest.hookimpl(tryfirst=True)  # before `-m` picks the tests by their marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module is not None else ""
        if module in ZEROCONF_MODULES:
            item.add_marker(pytest.mark.xdist_group("zeroconf"))
        if module in SERIAL_MODULES:
            item.add_marker(pytest.mark.serial)


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """A program's main() run in-process sets up logging (root level, handlers, a disabled
    level): put it back, so that later tests' log capture sees what they expect."""
    root = logging.getLogger()
    level, handlers, disabled = root.level, list(root.handlers), logging.root.manager.disable
    yield
    root.setLevel(level)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    logging.disable(disabled)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole test session."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed here (install.sh --dev installs it)")
    cluster = Cluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Run the test on each engine: None for SQLite, else a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return None
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database()


@pytest.fixture
def live_server_factory(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start real servers (child processes on 127.0.0.1, random port); stopped afterwards."""
    started: list[LiveServer] = []

    def start(config_text: str | None = None, **options: object) -> LiveServer:
        server = LiveServer(tmp_path / f"server{len(started)}", config_text, **options)  # type: ignore[arg-type]
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.kill()


@pytest.fixture
def live_server(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    """One real server on the built-in default office (services A, B, C; counters 1-3)."""
    return live_server_factory()


@pytest.fixture
def driver(browser: Any) -> Iterator[Any]:
    """The test module's `browser` (tests.support.browser.browser_fixture) on a clean page:
    blank, scripts on, nobody signed in, its log read; injected scripts removed after."""
    with clean_page(browser) as page:
        yield page


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Free each test's Qt objects after its teardown, on the main thread.

    Left to chance, Python's cycle collector may run in a worker thread (the server link's
    or the printer's) and destroy a widget or a timer there: Qt then cannot unregister the
    timer, and the next event loop run crashes on it. This runs after pytest-qt has closed
    the test's widgets and processed their last events.
    """
    result = yield
    if "qtbot" in getattr(item, "fixturenames", ()):  # a full collection costs ~50 ms
        gc.collect()
    return result
