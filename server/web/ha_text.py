"""Who serves the database, in words for the supervisor's dashboard (PostgreSQL only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.storage.port import ClusterView
from server.web.admin_text import clock_text
from server.web.phone_text import Language

TEXTS = {
    Language.INDONESIAN: {
        "title": "Server dan basis data",
        "active": "Server aktif: {server} ({url}), sejak {since}",
        "standbys": "Server cadangan: {names}",
        "no_standby": "Tidak ada server cadangan: bila server ini mati, antrean berhenti",
        "replica": "Replika {name}: {state}, {sync}, tertinggal {lag}",
        "no_replica": "Tidak terlihat replika basis data (atau hak melihatnya tidak ada)",
        "sync": "sinkron",
        "async": "asinkron",
        "unknown": "tidak diketahui",
        "bytes": "{count} bita",
    },
    Language.ENGLISH: {
        "title": "Servers and database",
        "active": "Active server: {server} ({url}), since {since}",
        "standbys": "Standby servers: {names}",
        "no_standby": "No standby server: if this server dies, the queue stops",
        "replica": "Replica {name}: {state}, {sync}, behind by {lag}",
        "no_replica": "No database replica visible (or no right to see it)",
        "sync": "synchronous",
        "async": "asynchronous",
        "unknown": "unknown",
        "bytes": "{count} bytes",
    },
}


def servers_view(cluster: ClusterView, zone: ZoneInfo, language: Language) -> dict[str, Any]:
    """The dashboard's block: the active server, the standbys, the replicas, and warnings."""
    texts = TEXTS[language]
    lines: list[str] = []
    active = cluster.active
    if active is not None:
        since = (
            clock_text(datetime.fromisoformat(active.since), zone, language)
            if active.since
            else texts["unknown"]
        )
        lines.append(
            texts["active"].format(server=active.server, url=active.url or "—", since=since)
        )
    if cluster.standbys:
        lines.append(texts["standbys"].format(names=", ".join(cluster.standbys)))
    for replica in cluster.replicas:
        lag = (
            texts["bytes"].format(count=replica.lag_bytes)
            if replica.lag_bytes is not None
            else texts["unknown"]
        )
        if replica.lag_s is not None:
            lag += f" ({replica.lag_s:.3f} s)"
        sync = texts["sync"] if replica.sync in ("sync", "quorum") else texts["async"]
        lines.append(
            texts["replica"].format(
                name=replica.name, state=replica.state or texts["unknown"], sync=sync, lag=lag
            )
        )
    return {
        "title": texts["title"],
        "lines": lines,
        "warnings": [texts[warning] for warning in cluster.warnings],
    }
