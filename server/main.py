"""`antrian-server`: run the server, manage device tokens, back up the database, check the
settings, import a year's holidays."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import logging
import signal
import socket
import sqlite3
import sys
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.log import access_logger as web_logger

from server import __version__
from server.city import CITY_KEY, CityForwarder
from server.config import Config, ServerSettings, config_path, configured_language, load_config
from server.config_texts import say
from server.discovery import Advertiser
from server.errors import AntrianError
from server.office import Office
from server.pair_cli import add_pair_commands, run_pair
from server.settings_cli import add_settings_commands, run_settings
from server.storage import open_store
from server.storage.port import COUNTER_ROLES, History, Role
from server.storage.schema import DATABASE_FILE
from server.storage.sqlite import SqliteStore
from server.user_cli import add_user_parser, manage_users
from server.web.access_log import RedactingAccessLogger
from server.web.protocol import GuardedRunner, ListenerSite, raise_open_file_limit
from server.web.routes import create_app

log = logging.getLogger("server")
TICK_INTERVAL_S = 1.0
GIL_SWITCH_INTERVAL_S = 0.0005
# how long a request still running at SIGTERM may take to finish; WebSockets are closed
# (1001 going away) before that, so a stop takes a few milliseconds when nothing is busy
SHUTDOWN_TIMEOUT_S = 0.5
OPEN_FILES_WANTED = 65536
LISTEN_BACKLOG = 1024  # a burst of connections waits in the kernel instead of retrying SYNs


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antrian-server", description=__doc__)
    parser.add_argument("--version", action="version", version=f"antrian-server {__version__}")
    parser.add_argument("--config", help="path of antrian.toml (default: built-in office)")
    parser.add_argument("--data-dir", help="where the database lives")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run the server (the default)")
    _add_run_arguments(run, default=argparse.SUPPRESS)
    _add_run_arguments(parser, default=None)
    token = commands.add_parser("token", help="device tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token and print it")
    create.add_argument("--role", required=True, choices=[str(role) for role in Role])
    create.add_argument("--name", required=True, help='e.g. "Kiosk lobi" or "Loket 2"')
    create.add_argument(
        "--counter", type=int, help="counter number (roles counter and survey only)"
    )
    token_commands.add_parser("list", help="list tokens (never their secrets)")
    revoke = token_commands.add_parser("revoke", help="revoke a token by name or id")
    revoke.add_argument("name_or_id")
    backup = commands.add_parser(
        "backup", help="consistent copy of the database, also while running"
    )
    backup.add_argument("path", help="file to write, e.g. antrian-2026-11-24.sqlite3")
    restore = commands.add_parser(
        "restore", help="replace the database with a backup (stop the server first)"
    )
    restore.add_argument("path", help="a file written by 'antrian-server backup'")
    migrate = commands.add_parser(
        "migrate", help="copy this office's whole SQLite history into PostgreSQL"
    )
    migrate.add_argument(
        "--to", required=True, metavar="URL", help="postgresql://user@host:5432/antrian"
    )
    commands.add_parser("check", help="check the settings file and exit (0: no mistake)")
    add_user_parser(commands)
    holidays = commands.add_parser("holidays", help="the office's holidays")
    holiday_commands = holidays.add_subparsers(dest="holidays_command", required=True)
    holiday_import = holiday_commands.add_parser(
        "import",
        help="check a year's holiday list (CSV with columns date,name, or TOML) and print it"
        " as [[holidays]] tables to append to antrian.toml",
    )
    holiday_import.add_argument("file", help="e.g. libur-2027.csv")
    add_pair_commands(commands)
    add_settings_commands(commands)
    return parser


def _add_run_arguments(parser: argparse.ArgumentParser, default: object) -> None:
    # the same options on `antrian-server` and `antrian-server run`; SUPPRESS keeps the
    # sub-command from overwriting what was given before it
    parser.add_argument("--host", default=default, help="address to listen on (default 0.0.0.0)")
    parser.add_argument(
        "--port", type=int, default=default, help="TCP port (default 8470; 0 picks a free one)"
    )
    parser.add_argument(
        "--port-file",
        default=default,
        help="write the bound port into this file (then the public one, if any, on its own line)",
    )
    parser.add_argument(
        "--no-zeroconf", action="store_true", default=default or False,
        help="do not advertise on the LAN",
    )  # fmt: skip


def resolve_config(arguments: argparse.Namespace) -> Config:
    config = load_config(config_path(arguments.config))
    settings = config.server
    if arguments.data_dir:
        settings = dataclasses.replace(settings, data_dir=Path(arguments.data_dir))
    if getattr(arguments, "host", None):
        settings = dataclasses.replace(settings, host=arguments.host)
    if getattr(arguments, "port", None) is not None:
        settings = dataclasses.replace(settings, port=arguments.port)
    if getattr(arguments, "no_zeroconf", False):
        settings = dataclasses.replace(settings, zeroconf=False)
    return dataclasses.replace(config, server=settings)


async def serve(config: Config, port_file: Path | None = None, access_log: bool = False) -> None:
    """Run until SIGTERM or SIGINT, then stop gracefully."""
    settings = config.server
    open_files = raise_open_file_limit(OPEN_FILES_WANTED)
    if open_files is not None and open_files < 4096:
        log.warning("only %d open files allowed: set LimitNOFILE= higher", open_files)
    office = Office(config, settings.data_dir)
    await office.start()
    # what start-up loaded (the code, today's queue) lives as long as the process: keep it
    # out of the collector's full passes, which otherwise walk it at every one
    gc.collect()
    gc.freeze()
    app = create_app(office)
    forwarder: CityForwarder | None = None
    if config.city.url is not None:
        forwarder = CityForwarder(office, config.city)
        app[CITY_KEY] = forwarder
    runner = GuardedRunner(
        app,
        shutdown_timeout=SHUTDOWN_TIMEOUT_S,
        access_log=web_logger if access_log else None,
        access_log_class=RedactingAccessLogger,
        max_per_client=settings.max_connections_per_address,
    )
    await runner.setup()
    site = ListenerSite(
        runner, settings.host, settings.port, reuse_address=True, backlog=LISTEN_BACKLOG,
        public=False,
    )  # fmt: skip
    await site.start()
    port = site.port
    log.info(
        "Antrian %s for %r listening on %s:%d", __version__, config.office_name, settings.host, port
    )
    ports = [port]
    if settings.public_host:
        ports.append(await _listen_publicly(runner, settings))
    if port_file is not None:
        port_file.write_text("".join(f"{bound}\n" for bound in ports))
    public = settings.public_url or f"http://{_reachable_host(settings.host)}:{port}"
    office.announce_address(public)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    advert = ActiveAdvert(config, port) if settings.zeroconf else None
    if advert is not None:
        advert.follow(office)  # a standby must not be found; one that takes over is
        office.role_changed.append(lambda: advert.follow(office))
    ticker = asyncio.create_task(_tick(office))  # a standby's tick does nothing
    if forwarder is not None:
        forwarder.follow()  # pushes only while this server is the active one
        office.role_changed.append(forwarder.follow)
    try:
        await stop.wait()
        log.info("stopping")
    finally:
        started = loop.time()
        ticker.cancel()
        # the goodbye on the LAN and closing the connections take a few hundred ms each
        await asyncio.gather(
            advert.stop() if advert is not None else asyncio.sleep(0), runner.cleanup()
        )
        if forwarder is not None:
            await forwarder.stop()
        await office.close()
        log.info("stopped in %.0f ms", (loop.time() - started) * 1000)


async def _listen_publicly(runner: GuardedRunner, settings: ServerSettings) -> int:
    """The second address, for phones on a guest Wi-Fi: the visitor's routes only."""
    assert settings.public_host is not None
    site = ListenerSite(
        runner, settings.public_host, settings.public_port, reuse_address=True,
        backlog=LISTEN_BACKLOG, public=True,
    )  # fmt: skip
    await site.start()
    log.info(
        "public address for visitors' phones on %s:%d (only /t/, the ticket feed, the survey "
        "and static files)", settings.public_host, site.port,
    )  # fmt: skip
    if not settings.public_url:
        log.warning(
            "[server] public_host is set but public_url is not: QR codes on tickets point to "
            "the address the kiosk uses; set public_url to http://<guest Wi-Fi address>:%d",
            site.port,
        )  # fmt: skip
    return site.port


class ActiveAdvert:
    """The zeroconf advert, there while this server is active (a standby is not found)."""

    def __init__(self, config: Config, port: int) -> None:
        self._config = config
        self._port = port
        self._advertiser: Advertiser | None = None
        self._task: asyncio.Task[None] | None = None

    def follow(self, office: Office) -> None:
        """Advertise when the office is active, withdraw when it is a standby."""
        previous = self._task
        self._task = asyncio.create_task(self._follow(previous, office.standby))

    async def _follow(self, previous: asyncio.Task[None] | None, standby: bool) -> None:
        if previous is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await previous  # one change after the other, in order
        if standby:
            await _withdraw(self._advertiser)
            self._advertiser = None
            return
        if self._advertiser is not None:
            return
        settings = self._config.server
        try:
            self._advertiser = Advertiser(
                self._config.office_name, self._port, settings.host, settings.zeroconf_interfaces
            )
        except Exception:  # an advert zeroconf refuses must not keep the office closed
            log.exception("cannot advertise on the LAN; clients must use the configured address")
            return
        await _advertise(self._advertiser)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await _withdraw(self._advertiser)
        self._advertiser = None


async def _withdraw(advertiser: Advertiser | None) -> None:
    if advertiser is None:
        return
    try:
        await advertiser.stop()
    except Exception:
        log.exception("withdrawing the zeroconf advert failed")


def _reachable_host(host: str) -> str:
    """The host part of this server's URL for others: its name when it listens everywhere."""
    if host in {"0.0.0.0", "::", ""}:
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host


async def _advertise(advertiser: Advertiser) -> None:
    try:
        await advertiser.start()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("zeroconf advertising failed; clients must use the configured address")


async def _tick(office: Office) -> None:
    while True:
        await asyncio.sleep(TICK_INTERVAL_S)
        try:
            office.tick()
        except Exception:
            log.exception("clock tick failed")


def manage_tokens(config: Config, arguments: argparse.Namespace) -> int:
    store = open_store(config)
    try:
        store.open_existing()
        now = datetime.now(UTC)
        if arguments.token_command == "create":
            role = Role(arguments.role)
            if role in COUNTER_ROLES and config.counter(arguments.counter or 0) is None:
                known = ", ".join(str(counter.number) for counter in config.counters)
                raise AntrianError(f"--counter must be one of the configured counters: {known}")
            print(store.create_token(role, arguments.name, arguments.counter, now))
        elif arguments.token_command == "list":
            for token in store.list_tokens():
                counter = f" counter={token.counter}" if token.counter is not None else ""
                state = f" REVOKED {token.revoked_at}" if token.revoked_at else ""
                print(f"{token.id}\t{token.role}{counter}\t{token.name}\t{token.created_at}{state}")
        elif arguments.token_command == "revoke":
            if store.revoke_token(arguments.name_or_id, now) == 0:
                raise AntrianError(f"no active token named {arguments.name_or_id!r}")
            print(f"revoked {arguments.name_or_id}")
    except sqlite3.Error as exc:
        raise AntrianError(f"database error: {exc}") from exc
    finally:
        store.close()
    return 0


def run_backup(config: Config, destination: Path) -> int:
    if not config.server.database:
        source = config.server.data_dir / DATABASE_FILE
        if not source.is_file():
            raise AntrianError(f"no database at {source}: check --data-dir")
    store = open_store(config)
    try:
        store.open_existing()
        store.backup(destination)
    except sqlite3.Error as exc:
        raise AntrianError(f"backup to {destination} failed: {exc}") from exc
    finally:
        store.close()
    print(f"backup written to {destination}")
    return 0


def run_restore(config: Config, source: Path) -> int:
    store = open_store(config)
    restore = getattr(store, "restore", None)
    if restore is None:
        raise AntrianError("restore is not available for this database")
    try:
        kept = restore(source)
    finally:
        store.close()
    print(f"restored {source}; the previous database is kept as {kept}")
    print("the restored record has a new log id: displays reload, the city sees a new record")
    return 0


def run_migrate(config: Config, url: str) -> int:
    """SQLite (the data dir) → PostgreSQL, everything, with the same record id."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise AntrianError("--to needs a postgresql:// URL, e.g. postgresql://antrian@db/antrian")
    source = SqliteStore(config.server.data_dir)
    if not (config.server.data_dir / DATABASE_FILE).is_file():
        raise AntrianError(f"no database in {config.server.data_dir}: check --data-dir")
    target = open_store(dataclasses.replace(config, server=dataclasses.replace(
        config.server, database=url)))  # fmt: skip
    try:
        if not source.acquire():
            raise AntrianError("the server is running on this data dir: stop it, then migrate")
        history = source.export_history()
        target.open_existing()
        target.import_history(history)
        copied = target.export_history()
    finally:
        source.close()
        target.close()
    if _counts(copied) != _counts(history):
        raise AntrianError("the copy in PostgreSQL is incomplete: do not switch to it")
    print(
        f"copied {len(history.tickets)} tickets, {len(history.events)} events, "
        f"{len(history.tokens)} tokens and {len(history.surveys)} survey answers "
        f"(record {history.log_id}) to {target.description}"
    )
    print("now set [server] database (or ANTRIAN_DATABASE_URL) to that URL and start the server")
    return 0


def _counts(history: History) -> tuple[int, ...]:
    """What a copy must hold as many of as its source."""
    profiles = sum(1 for row, _ in history.surveys if row.has_profile)
    return (
        len(history.tickets), len(history.events), len(history.tokens), len(history.accounts),
        len(history.audit), len(history.surveys), profiles,
    )  # fmt: skip


def import_holidays(config: Config, source: Path) -> int:
    """Print the file's holidays as [[holidays]] tables, leaving out those already set."""
    from server.holidays import holidays_toml, read_holidays

    language = configured_language()
    holidays = read_holidays(source, language)
    known = {holiday.date for holiday in config.holidays}
    new = [holiday for holiday in holidays if holiday.date not in known]
    heading = say("holidays.source", language, count=len(new), name=source.name)
    print(holidays_toml(new, heading), end="")
    if len(new) < len(holidays):
        skipped = say("holidays.skipped", language, count=len(holidays) - len(new))
        print(f"antrian-server: {skipped}", file=sys.stderr)
    return 0


def run_event_loop(main_coroutine: Coroutine[Any, Any, None]) -> None:
    """uvloop where installed (about a third more requests per second), else asyncio."""
    # The writer thread needs the GIL for a moment per batch; with the default 5 ms switch
    # interval it can wait that long behind the busy event loop, which shows as latency.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    try:
        import uvloop
    except ImportError:
        asyncio.run(main_coroutine)
    else:
        uvloop.run(main_coroutine)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = resolve_config(arguments)
        if arguments.command == "token":
            return manage_tokens(config, arguments)
        if arguments.command == "user":
            return manage_users(config, arguments)
        if arguments.command == "backup":
            return run_backup(config, Path(arguments.path))
        if arguments.command == "restore":
            return run_restore(config, Path(arguments.path))
        if arguments.command == "migrate":
            return run_migrate(config, arguments.to)
        if arguments.command == "check":
            counts = {"services": len(config.services), "counters": len(config.counters)}
            print(say("check.ok", configured_language(), holidays=len(config.holidays), **counts))
            return 0
        if arguments.command == "holidays":
            return import_holidays(config, Path(arguments.file))
        if arguments.command == "pair":
            return run_pair(config, arguments)
        if arguments.command == "settings":
            return run_settings(config, arguments)
        port_file = Path(arguments.port_file) if arguments.port_file else None
        run_event_loop(serve(config, port_file, access_log=arguments.verbose))
        return 0
    except AntrianError as exc:
        print(f"antrian-server: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"antrian-server: {exc.strerror or exc} ({getattr(exc, 'filename', '') or 'network'})",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
