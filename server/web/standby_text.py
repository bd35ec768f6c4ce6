"""What a standby says about itself, in Indonesian (default) and English (`?lang=en`)."""

from __future__ import annotations

from aiohttp import web

from server.storage.port import ActiveServer

DATABASE_UNREACHABLE = "database_unreachable"
ANOTHER_SERVER_ACTIVE = "another_server_active"
NO_ACTIVE_SERVER = "no_active_server"

TEXTS = {
    "id": {
        DATABASE_UNREACHABLE: (
            "Server ini terputus dari basis data dan berhenti mencatat, agar tidak ada dua "
            "server yang menulis; server cadangan mengambil alih. Gunakan server yang aktif."
        ),
        ANOTHER_SERVER_ACTIVE: "Server ini adalah server cadangan; server yang aktif: {url}.",
        NO_ACTIVE_SERVER: (
            "Server ini adalah server cadangan; belum ada server aktif (pengambilalihan "
            "sedang berjalan). Coba lagi sebentar lagi."
        ),
    },
    "en": {
        DATABASE_UNREACHABLE: (
            "This server lost its database and stopped recording, so that two servers never "
            "write; a standby takes over. Use the active server."
        ),
        ANOTHER_SERVER_ACTIVE: "This server is a standby; the active server is {url}.",
        NO_ACTIVE_SERVER: (
            "This server is a standby; no server is active yet (a takeover is under way). "
            "Try again in a moment."
        ),
    },
}


def standby_reason(reachable: bool, active: ActiveServer | None) -> str:
    if not reachable:
        return DATABASE_UNREACHABLE
    return ANOTHER_SERVER_ACTIVE if active is not None else NO_ACTIVE_SERVER


def standby_message(request: web.Request, reason: str, active: ActiveServer | None) -> str:
    language = "en" if request.query.get("lang") == "en" else "id"
    url = (active.url or active.server) if active is not None else ""
    return TEXTS[language][reason].format(url=url)
