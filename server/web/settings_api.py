"""`GET` and `PUT /api/v1/settings`: the office settings at run time, as the TOML's keys."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiohttp import web

from server.config import configured_language, parse_office_settings
from server.errors import ConfigError
from server.json_text import dumps
from server.office import Office, SettingsConflict
from server.storage.port import AccountRole
from server.web.admin_actions import audit
from server.web.errors import ApiFailure
from server.web.sessions import Actor, api_actor

SETTINGS_PATH = "/api/v1/settings"
OFFICE_KEY = web.AppKey("settings_office", Office)
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def etag(document: dict[str, Any]) -> str:
    """The version of a settings document: the same settings, the same tag."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def settings_response(document: dict[str, Any]) -> web.Response:
    return web.Response(text=dumps(document), headers={**JSON_HEADERS, "ETag": etag(document)})


async def get_settings(request: web.Request) -> web.Response:
    api_actor(request, AccountRole.ADMIN)
    return settings_response(request.app[OFFICE_KEY].settings_document())


async def put_settings(request: web.Request) -> web.Response:
    """Replace the whole office settings; `If-Match` with an older ETag: 412."""
    actor = api_actor(request, AccountRole.ADMIN)
    office = request.app[OFFICE_KEY]
    # imported here: routes imports this module for its routes
    from server.web.routes import read_object

    body = await read_object(request)
    wanted = request.headers.get("If-Match")
    if wanted is not None and wanted.strip() != "*":
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        if etag(office.settings_document()) not in tags:
            raise ApiFailure(
                412, "settings_changed",
                "the settings were changed since they were read: read them again",
            )  # fmt: skip
    try:
        await replace_office_settings(request.app, actor, body)
    except ConfigError as exc:
        raise ApiFailure(422, "invalid_settings", exc.message, path=exc.path) from exc
    except SettingsConflict as exc:
        raise ApiFailure(409, "settings_conflict", str(exc)) from exc
    return settings_response(office.settings_document())


async def replace_office_settings(app: web.Application, actor: Actor, body: Any) -> None:
    """Validate, apply, store and record new office settings, with who changed them.

    Raises `ConfigError` (invalid, its message naming "Loket 3") or `SettingsConflict`."""
    language = configured_language()
    settings = parse_office_settings(body, language)
    await app[OFFICE_KEY].replace_settings(settings, by=actor.name, language=language)
    await audit(app, actor, "settings.changed")


def setup_settings(app: web.Application, office: Office) -> None:
    app[OFFICE_KEY] = office
    app.router.add_get(SETTINGS_PATH, get_settings)
    app.router.add_put(SETTINGS_PATH, put_settings)
