"""/admin/settings: an admin reads and replaces the office settings as TOML, at run time.

The page shows what `antrian-server settings export` writes; saving goes the way of
`PUT /api/v1/settings` (validated like antrian.toml, applied without a restart, stored,
recorded with who made the change, in the activity log).
"""

from __future__ import annotations

import re
import tomllib

from aiohttp import web

from server.errors import ConfigError
from server.office import SettingsConflict
from server.settings_cli import settings_toml
from server.storage.port import AccountRole
from server.web.admin import actor_of, form_of, language_of, office_of, person, redirect, render
from server.web.admin_text import TEXTS
from server.web.settings_api import replace_office_settings

MAX_SETTINGS_CHARS = 200_000
TOML_LINE = re.compile(r"at line (\d+)")


def _page(
    request: web.Request, text: str, error: str | None = None, status: int = 200
) -> web.Response:
    context = {"text": text, "error": error, "done": request.query.get("done")}
    return render(request, "admin/settings.html", context, status=status)


async def settings_page(request: web.Request) -> web.Response:
    account = person(request, AccountRole.ADMIN)
    if isinstance(account, web.Response):
        return account
    return _page(request, settings_toml(office_of(request).settings_document()))


async def save_settings(request: web.Request) -> web.Response:
    account = person(request, AccountRole.ADMIN)
    if isinstance(account, web.Response):
        return account
    texts = TEXTS[language_of(request)]
    text = (await form_of(request)).get("settings", "").replace("\r\n", "\n")
    if len(text) > MAX_SETTINGS_CHARS:
        return _page(request, "", texts["settings_too_long"], 400)
    try:
        body = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = TOML_LINE.search(str(exc))
        line = found.group(1) if found else "?"
        return _page(request, text, texts["settings_bad_toml"].format(line=line), 400)
    try:
        await replace_office_settings(request.app, actor_of(account, request), body)
    except ConfigError as exc:
        return _page(request, text, exc.message, 422)
    except SettingsConflict as exc:
        return _page(request, text, str(exc), 409)
    return redirect("/admin/settings?done=settings_saved")


def setup_admin_settings(app: web.Application) -> None:
    app.router.add_get("/admin/settings", settings_page)
    app.router.add_post("/admin/settings", save_settings)


__all__ = ["setup_admin_settings"]
