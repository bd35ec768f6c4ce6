"""`antrian-central`: run the city's central, add offices, read tokens and accounts.

`antrian-central --database URL [--host H] [--port 8480] [--tls-cert F --tls-key F]` runs it;
`office add NAME` prints that office's token once; `office list`; `office renew NAME` takes
the record a re-installed or restored office pushed and was refused (409 `log_mismatch`)
as that office's current record, the others kept (a record it had before is taken back
and goes on where it stopped); `token create --name NAME`
prints a read token for the city API; `user create NAME --role supervisor|admin` (password
from the terminal or stdin's first line). A mistake ends with one Indonesian line and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import ssl
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from central.errors import CentralError
from central.letterhead import CityLetterhead, load_letterhead
from central.store import CentralStore
from central.web import create_app
from server.accounts import AccountError, clean_name, hash_secret
from server.errors import AccountExists, AntrianError, StorageError
from server.storage.port import AccountRole, AuditEntry
from server.user_cli import read_secret
from server.web.protocol import GuardedRunner, raise_open_file_limit

log = logging.getLogger("central")
DEFAULT_PORT = 8480
DATABASE_ENVIRONMENT = "ANTRIAN_CENTRAL_DATABASE_URL"
SHUTDOWN_TIMEOUT_S = 0.5
OPEN_FILES_WANTED = 65536


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antrian-central", description=__doc__)
    parser.add_argument(
        "--database", help=f"postgresql://user@host:5432/antrian_kota (or {DATABASE_ENVIRONMENT})"
    )
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (0: any free)")
    parser.add_argument("--port-file", help="write the bound port into this file")
    parser.add_argument("--tls-cert", help="the server certificate (PEM) for HTTPS")
    parser.add_argument("--tls-key", help="its private key (PEM)")
    parser.add_argument(
        "--letterhead", help="a TOML file with the kop surat and signer of the city's PDFs"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command")
    office = commands.add_parser("office", help="the offices that push their record")
    office_commands = office.add_subparsers(dest="office_command", required=True)
    add = office_commands.add_parser("add", help="add an office and print its token once")
    add.add_argument("name", help='e.g. "Kecamatan Karawaci"')
    office_commands.add_parser("list", help="list the offices (never their tokens)")
    renew = office_commands.add_parser(
        "renew", help="accept a re-installed or restored office's new record (after a conflict)"
    )
    renew.add_argument("name", help='the office\'s name, e.g. "Kecamatan Karawaci"')
    token = commands.add_parser("token", help="read tokens for the city API")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a read token and print it")
    create.add_argument("--name", required=True)
    user = commands.add_parser("user", help="accounts for the city dashboard")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    user_create = user_commands.add_parser("create", help="create an account")
    user_create.add_argument("name")
    user_create.add_argument("--role", required=True, choices=["supervisor", "admin"])
    return parser


def database_url(arguments: argparse.Namespace) -> str:
    url = arguments.database or os.environ.get(DATABASE_ENVIRONMENT, "")
    if not url:
        raise CentralError(f"Perlu --database postgresql://… (atau {DATABASE_ENVIRONMENT}).")
    if not url.startswith(("postgresql://", "postgres://")):
        raise CentralError("--database harus URL postgresql://, mis. postgresql://antrian@db/kota")
    return url


def open_store(url: str) -> CentralStore:
    store = CentralStore(url)
    try:
        store.open()
    except BaseException:
        store.close()
        raise
    return store


def manage_offices(store: CentralStore, arguments: argparse.Namespace) -> int:
    if arguments.office_command == "add":
        name = clean_name(arguments.name)
        office, secret = store.add_office(name, datetime.now(UTC))
        print(f"kantor {office.name} (id {office.id}) ditambahkan; tokennya (simpan, tidak "
              "ditampilkan lagi):", file=sys.stderr)  # fmt: skip
        print(secret)
        return 0
    if arguments.office_command == "renew":
        office, taken_back = store.renew(clean_name(arguments.name), datetime.now(UTC))
        others = len(office.records) - 1
        which, rest = ("kembali memakai catatan lamanya", "lain") if taken_back else (
            "kini memakai catatan barunya", "lama")  # fmt: skip
        print(f"kantor {office.name} (id {office.id}) {which} {office.log_id}; {others} "
              f"catatan {rest} tetap disimpan dan ikut dihitung di laporan kota")  # fmt: skip
        return 0
    for office in store.offices():
        seen = office.last_seen.isoformat(timespec="seconds") if office.last_seen else "-"
        conflict = ""
        if office.conflict_log_id:
            what = "catatan lama: PC lama masih menyala?" if office.conflict_is_older_record else (
                "catatan baru: terima dengan office renew")  # fmt: skip
            conflict = f"\tKONFLIK {office.conflict_log_id} ({what})"
        print(f"{office.id}\t{office.name}\t{office.last_event_id}\t{seen}\t"
              f"{len(office.records)} catatan{conflict}")  # fmt: skip
    return 0


def create_user(store: CentralStore, arguments: argparse.Namespace) -> int:
    name = clean_name(arguments.name)
    role = AccountRole(arguments.role)
    if store.account_credentials(name) is not None:
        raise AccountError(f"Akun bernama “{name}” sudah ada.")
    secret = read_secret(role, sys.stdin)
    now = datetime.now(UTC)
    try:
        store.accounts.create(name, role, hash_secret(secret), now)
    except AccountExists as exc:
        raise AccountError(f"Akun bernama “{name}” sudah ada.") from exc
    store.accounts.record(
        AuditEntry(at=now.isoformat(timespec="seconds"), actor="CLI", role="admin",
                   action="account.create", detail=f"{name} ({role})")
    )  # fmt: skip
    print(f"akun {name} ({role}) dibuat")
    return 0


def tls_context(arguments: argparse.Namespace) -> ssl.SSLContext | None:
    if not arguments.tls_cert and not arguments.tls_key:
        return None
    if not (arguments.tls_cert and arguments.tls_key):
        raise CentralError("--tls-cert dan --tls-key harus diberikan bersama.")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
    except (OSError, ssl.SSLError) as exc:
        raise CentralError(f"Sertifikat TLS tidak dapat dibaca: {exc}") from exc
    return context


async def serve(
    store: CentralStore, arguments: argparse.Namespace, letterhead: CityLetterhead | None
) -> None:
    """Run until SIGTERM or SIGINT."""
    context = tls_context(arguments)
    open_files = raise_open_file_limit(OPEN_FILES_WANTED)
    if open_files is not None and open_files < 4096:
        log.warning("only %d open files allowed: set LimitNOFILE= higher", open_files)
    runner = GuardedRunner(
        create_app(store, letterhead=letterhead), shutdown_timeout=SHUTDOWN_TIMEOUT_S
    )
    await runner.setup()
    site = web.TCPSite(runner, arguments.host, arguments.port, ssl_context=context,
                       reuse_address=True, backlog=1024)  # fmt: skip
    await site.start()
    port = runner.addresses[0][1]
    scheme = "https" if context is not None else "http"
    log.info("antrian-central listening on %s://%s:%d", scheme, arguments.host, port)
    if arguments.port_file:
        Path(arguments.port_file).write_text(str(port))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        letterhead = None
        if arguments.command is None and arguments.letterhead:
            letterhead = load_letterhead(Path(arguments.letterhead))  # before the database
        store = open_store(database_url(arguments))
        try:
            if arguments.command == "office":
                return manage_offices(store, arguments)
            if arguments.command == "token":
                print(store.create_token(arguments.name, datetime.now(UTC)))
                return 0
            if arguments.command == "user":
                return create_user(store, arguments)
            asyncio.run(serve(store, arguments, letterhead))
            return 0
        finally:
            store.close()
    except (EOFError, KeyboardInterrupt):
        print("antrian-central: Dibatalkan.", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"antrian-central: basis data PostgreSQL bermasalah: {exc}", file=sys.stderr)
        return 2
    except AntrianError as exc:
        print(f"antrian-central: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"antrian-central: {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
