"""Helpers for first-start pairing tests: what the server has pending, and approving it."""

from __future__ import annotations

import json
import os
import stat
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.live_server import LiveServer

FAST_PAIRING = {"poll_wait_s": 1.0, "retry_s": 0.2}
CODE_PREFIX = "Kode pemasangan: "
HINT = "— minta supervisor menyetujui di /admin → Perangkat"
EXPIRED_TEXT = "Kode tadi sudah tidak berlaku"
WRONG_ROLE_TEXT = "Kode tadi disetujui untuk jenis perangkat lain"


def admin_call(server: LiveServer, method: str, path: str, body: object = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        server.api + path, data=data, method=method,
        headers={"Authorization": f"Bearer {server.tokens['admin']}",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def pending_codes(server: LiveServer) -> list[str]:
    """The codes waiting in /admin → Perangkat, as shown there ("K7M X4P")."""
    return [
        pairing["code_display"] for pairing in admin_call(server, "GET", "/pairings")["pairings"]
    ]


def approve(
    server: LiveServer, shown: str, role: str, name: str, counter: int | None = None
) -> Any:
    """What a supervisor does: approve the code read off the device's screen."""
    body: dict[str, Any] = {"role": role, "name": name}
    if counter is not None:
        body["counter"] = counter
    return admin_call(server, "POST", f"/pairings/{shown.replace(' ', '')}/approve", body)


def stored_token(path: Path) -> dict[str, Any]:
    """The device's token file: readable by its user only."""
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def token_works(server: LiveServer, token: str) -> bool:
    request = urllib.request.Request(
        server.api + "/snapshot", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return bool(answer.status == 200)
