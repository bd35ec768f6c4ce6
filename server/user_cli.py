"""`antrian-server user create|list|passwd|disable`: people's accounts, from the server PC.

The password (or a clerk's PIN) is asked twice on a terminal, or read from the first line
of stdin when that is not a terminal (install scripts). Mistakes end with one Indonesian
line and a non-zero exit. Each change is in the audit trail, by "CLI (<login name>)".
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from typing import TextIO

from server.accounts import AccountError, check_secret, clean_name, hash_secret
from server.config import Config
from server.errors import AccountExists, AntrianError
from server.storage import open_store
from server.storage.port import AccountRole, AuditEntry, Store


def add_user_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = commands.add_parser("user", help="people's accounts for /admin and the counters")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create an account (password from stdin)")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=[str(role) for role in AccountRole])
    user_commands.add_parser("list", help="list accounts (never their passwords)")
    passwd = user_commands.add_parser("passwd", help="set a new password or PIN")
    passwd.add_argument("name")
    disable = user_commands.add_parser("disable", help="disable an account (it cannot sign in)")
    disable.add_argument("name")


def read_secret(role: AccountRole, stdin: TextIO) -> str:
    """The new password or PIN: asked twice on a terminal, else stdin's first line."""
    what = "PIN (4-8 angka)" if role is AccountRole.CLERK else "Kata sandi (minimal 8 karakter)"
    if stdin.isatty():
        first = getpass.getpass(f"{what}: ")
        second = getpass.getpass("Ulangi: ")
        if first != second:
            raise AccountError("Kedua kata sandi tidak sama.")
        secret = first
    else:
        secret = stdin.readline().rstrip("\r\n")
    check_secret(role, secret)
    return secret


def _actor() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return f"CLI ({login})"


def _audit(store: Store, action: str, detail: str) -> None:
    store.record_audit(
        AuditEntry(
            at=datetime.now(UTC).isoformat(timespec="seconds"), actor=_actor(), role="admin",
            action=action, detail=detail,
        )
    )  # fmt: skip


def manage_users(config: Config, arguments: argparse.Namespace, stdin: TextIO | None = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin
    store = open_store(config)
    try:
        store.open_existing()
        now = datetime.now(UTC)
        command = arguments.user_command
        if command == "list":
            for account in store.list_accounts():
                state = f"\tNONAKTIF {account.disabled_at}" if account.disabled_at else ""
                print(f"{account.id}\t{account.role}\t{account.name}\t{account.created_at}{state}")
            return 0
        name = clean_name(arguments.name)
        if command == "create":
            role = AccountRole(arguments.role)
            if store.account_credentials(name) is not None:
                raise AccountError(f"Akun bernama “{name}” sudah ada.")
            secret = read_secret(role, stdin)
            try:
                store.create_account(name, role, hash_secret(secret), now)
            except AccountExists as exc:
                raise AccountError(f"Akun bernama “{name}” sudah ada.") from exc
            _audit(store, "account.create", f"{name} ({role})")
            print(f"akun {name} ({role}) dibuat")
            return 0
        found = store.account_credentials(name)
        if found is None:
            raise AccountError(f"Tidak ada akun bernama “{name}”.")
        account = found[0]
        if command == "passwd":
            secret = read_secret(account.role, stdin)
            store.set_account_secret(account.name, hash_secret(secret), now)
            _audit(store, "account.password", account.name)
            print(f"kata sandi {account.name} diganti")
        elif command == "disable":
            if not store.disable_account(account.name, now):
                raise AccountError(f"Akun “{account.name}” sudah nonaktif.")
            _audit(store, "account.disable", account.name)
            print(f"akun {account.name} dinonaktifkan")
        return 0
    except (EOFError, KeyboardInterrupt) as exc:
        raise AntrianError("Dibatalkan.") from exc
    finally:
        store.close()
