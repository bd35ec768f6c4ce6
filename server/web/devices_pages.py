"""Browser devices: the waiting-room display `/tv` and the counter terminal `/loket`.

Both pages are a template and two static scripts (`device.js`, shared: the token, the
pairing screen and the event stream; then `tv.js` or `loket.js`). The TV speaks with the
committed voice clips of `assets/voice/` and the chime of `assets/sounds/`, served here
(`/voice/id/satu.wav`, `/voice/sounds/chime.wav`). `GET /api/v1/device` tells a page what its
token may do (role, counter, name).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from server.auth import authorize
from server.json_text import dumps
from server.web.device_text import LABELS, Language
from server.web.errors import ApiFailure
from server.web.pages import PAGE_CSP, STATIC_KEY, StaticFile, _render, load_static

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
VOICE_LANGUAGES = ("id", "en")
CLIP_NAME = re.compile(r"[a-z_]{1,32}")
CLIPS_KEY: web.AppKey[dict[str, StaticFile]] = web.AppKey("voice_clips")
MAX_TICKER_CHARS = 500


def load_clips(assets_dir: Path = ASSETS_DIR) -> dict[str, StaticFile]:
    """Every clip as `id/satu`, `en/one`, … and the chime as `sounds/chime`."""
    clips: dict[str, StaticFile] = {}
    for language in VOICE_LANGUAGES:
        directory = assets_dir / "voice" / language
        if directory.is_dir():
            for name, found in load_static(directory).items():
                clips[f"{language}/{name.removesuffix('.wav')}"] = found
    sounds = assets_dir / "sounds"
    if sounds.is_dir():
        for name, found in load_static(sounds).items():
            clips[f"sounds/{name.removesuffix('.wav')}"] = found
    return clips


def _voices(request: web.Request) -> list[str]:
    """`?voice=id,en`: the languages announced, in turn (Indonesian alone by default)."""
    wanted = [part for part in request.query.get("voice", "id").split(",") if part]
    voices = [part for part in wanted if part in VOICE_LANGUAGES][:2]
    return list(dict.fromkeys(voices)) or ["id"]


def _device_context(request: web.Request, page: str, language: Language) -> dict[str, Any]:
    from server.web.routes import OFFICE_KEY  # routes registers this module

    office = request.app[OFFICE_KEY]
    other = "en" if language is Language.INDONESIAN else "id"
    return {
        "lang": str(language),
        "labels": LABELS[language],
        "office": office.config.office_name,
        "page": page,
        "switch_lang": other,
        "config": {
            "page": page,
            "lang": str(language),
            "labels": LABELS[language],
            "office": office.config.office_name,
            "timezone": office.config.timezone,
        },
    }


def _page(request: web.Request, template: str, context: dict[str, Any]) -> web.Response:
    response = _render(request, template, context)
    response.headers["Cache-Control"] = "no-store"
    others = other_servers(request.query.get("servers", ""))
    if others:
        # an HA hall's other servers (?servers=): the page may open their event stream to
        # find the active one, and nothing else
        sockets = " ".join(
            ("wss://" if root.startswith("https:") else "ws://") + root.split("://", 1)[1]
            for root in others
        )
        response.headers["Content-Security-Policy"] = PAGE_CSP.replace(
            "connect-src 'self'", f"connect-src 'self' {sockets}"
        )
    return response


SERVER_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")
MAX_OTHER_SERVERS = 8


def other_servers(listed: str) -> list[str]:
    """The origins (`http://host:port`) in ?servers=, each checked; anything else left out."""
    origins: list[str] = []
    for part in listed.split(",")[:MAX_OTHER_SERVERS]:
        try:
            address = urlsplit(part.strip())
            port = address.port
        except ValueError:
            continue
        host = address.netloc.rsplit(":", 1)[0] if port is not None else address.netloc
        if address.scheme not in ("http", "https") or not SERVER_HOST.fullmatch(host):
            continue
        origin = f"{address.scheme}://{host}" + (f":{port}" if port is not None else "")
        if origin not in origins:
            origins.append(origin)
    return origins


async def tv_page(request: web.Request) -> web.Response:
    language = Language.from_query(request.query.get("lang"))
    context = _device_context(request, "tv", language)
    versions = {name: found.version for name, found in request.app[CLIPS_KEY].items()}
    ticker = request.query.get("ticker", "")[:MAX_TICKER_CHARS].strip()
    context["config"] |= {
        "voices": _voices(request),
        "clips": versions,
        "ticker": ticker or LABELS[language]["ticker_default"].format(office=context["office"]),
    }
    return _page(request, "tv.html", context)


async def loket_page(request: web.Request) -> web.Response:
    language = Language.from_query(request.query.get("lang"))
    return _page(request, "loket.html", _device_context(request, "loket", language))


async def voice_clip(request: web.Request) -> web.Response:
    folder, name = request.match_info["folder"], request.match_info["name"]
    if not CLIP_NAME.fullmatch(name) or folder not in (*VOICE_LANGUAGES, "sounds"):
        raise ApiFailure(404, "not_found", "no such clip")
    found = request.app[CLIPS_KEY].get(f"{folder}/{name}")
    if found is None:
        raise ApiFailure(404, "not_found", "no such clip")
    immutable = request.query.get("v") == found.version
    return web.Response(
        body=found.body,
        headers={
            "Content-Type": "audio/wav",
            "Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache",
            "ETag": f'"{found.version}"',
        },
    )


async def device_identity(request: web.Request) -> web.Response:
    """What this token may do: a page checks its stored token with it at start."""
    token = authorize(request)
    body = {"role": str(token.role), "counter": token.counter, "name": token.name}
    return web.Response(
        text=dumps(body),
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
    )


def setup_device_pages(app: web.Application) -> None:
    """Register `/tv`, `/loket`, the clips and `/api/v1/device` (after `setup_pages`)."""
    assert STATIC_KEY in app, "setup_pages first: the device pages use its static files"
    app[CLIPS_KEY] = load_clips()
    app.router.add_get("/tv", tv_page)
    app.router.add_get("/loket", loket_page)
    app.router.add_get("/voice/{folder}/{name}.wav", voice_clip)
    app.router.add_get("/api/v1/device", device_identity)


__all__ = ["CLIPS_KEY", "load_clips", "setup_device_pages"]
