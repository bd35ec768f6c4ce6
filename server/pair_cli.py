"""`antrian-server pair list|approve`: pairing a new device from the server PC.

Pairing codes live in the running server's memory, so the command asks that server (its
address is in the database's lock, as a standby reads it). It signs in with an admin token
it makes for this one request and revokes straight after: whoever may run it on the server
PC may already make tokens with `antrian-server token create`.
"""

from __future__ import annotations

import argparse
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

from server.config import Config
from server.errors import AntrianError
from server.storage import open_store
from server.storage.port import Role, Store

REQUEST_TIMEOUT_S = 10.0
PAIRABLE = ("display", "counter", "kiosk", "survey")


def add_pair_commands(commands: Any) -> None:
    """`pair list` and `pair approve CODE --role … [--counter N] --name …`."""
    pair = commands.add_parser("pair", help="approve a new device's pairing code")
    pair_commands = pair.add_subparsers(dest="pair_command", required=True)
    pair_commands.add_parser("list", help="the codes waiting for approval")
    approve = pair_commands.add_parser("approve", help="give the device showing CODE its token")
    approve.add_argument("code", help="the code the device shows, e.g. K7M X4P")
    approve.add_argument("--role", required=True, choices=PAIRABLE)
    approve.add_argument(
        "--counter", type=int, help="counter number (roles counter and survey only)"
    )
    approve.add_argument("--name", required=True, help='e.g. "TV ruang tunggu" or "PC loket 2"')


def run_pair(config: Config, arguments: argparse.Namespace) -> int:
    store = open_store(config)
    try:
        store.open_existing()
        active = store.active_server()
        if active is None or not active.url:
            raise AntrianError(
                "no running server found for this database: pairing codes live in the "
                "running server (start it, then run this again)"
            )
        if arguments.pair_command == "list":
            answer = ask_running_server(store, active.url, "GET", "/api/v1/pairings", None)
            for pairing in answer["pairings"]:
                device = pairing["device"] or "-"
                print(
                    f"{pairing['code_display']}\t{device}\t{pairing['address']}\t"
                    f"until {pairing['expires_at']}"
                )
            if not answer["pairings"]:
                print("no device is waiting for approval")
            return 0
        body: dict[str, Any] = {"role": arguments.role, "name": arguments.name}
        if arguments.counter is not None:
            body["counter"] = arguments.counter
        code = urllib.parse.quote("".join(arguments.code.split()), safe="")
        path = f"/api/v1/pairings/{code}/approve"
        answer = ask_running_server(store, active.url, "POST", path, body)
        counter = f" counter {answer['counter']}" if answer["counter"] is not None else ""
        print(f"approved {answer['code']}: {answer['role']}{counter} {answer['name']!r}")
        return 0
    finally:
        store.close()


def ask_running_server(
    store: Store, base_url: str, method: str, path: str, body: Any, who: str = "pair-cli"
) -> Any:
    """Ask the running server, as a one-time admin token named `who-…` (revoked after)."""
    now = datetime.now(UTC)
    name = f"{who}-{secrets.token_hex(4)}"
    token = store.create_token(Role.ADMIN, name, None, now)
    try:
        request = urllib.request.Request(
            base_url.rstrip("/") + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as exc:
            try:
                message = json.load(exc).get("message", exc.reason)
            except ValueError:
                message = exc.reason
            raise AntrianError(f"the server refused: {message}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise AntrianError(f"the server at {base_url} does not answer: {exc}") from exc
    finally:
        store.revoke_token(name, datetime.now(UTC))


__all__ = ["add_pair_commands", "ask_running_server", "run_pair"]
