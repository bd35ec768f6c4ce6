"""`antrian doctor`: checks what installers get wrong and explains it in plain words."""

from __future__ import annotations

import asyncio
import os
import shutil
import ssl
import subprocess
import tomllib
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from client.api import ApiClient
from client.config import DEFAULT_PORT, find_config_file, normalize_server_url
from client.discovery import find_server
from client.errors import ApiError, ClientError, ConfigError, DiscoveryFailed
from launcher.doctor_texts import say

PROGRAM_SECTIONS = ("kiosk", "counter", "display")
# the sections only the server reads
SERVER_SECTIONS = ("office", "priority", "hours", "breaks", "holidays", "services", "counters",
                   "server", "city")  # fmt: skip
CLOCK_SKEW_LIMIT_S = 60.0
CITY_SKEW_LIMIT_S = 300.0  # what the office's forwarder flags too
CITY_TIMEOUT_S = 5.0
VOICE_DIR = Path(__file__).resolve().parents[1] / "assets" / "voice"


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


MARKS = {Status.OK: "[ OK ]", Status.WARN: "[ !! ]", Status.FAIL: "[GAGAL]"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One checked thing: how it stands, and what to do about it."""

    status: Status
    title: str
    detail: str = ""


@dataclass(slots=True)
class Context:
    """What the checks found so far and share (config, server address)."""

    language: str
    config_path: Path | None = None
    document: dict[str, Any] = field(default_factory=dict)
    server_url: str | None = None
    server_time: datetime | None = None
    office_timezone: str | None = None
    discovery_timeout_s: float = 3.0

    def text(self, key: str, **params: object) -> str:
        return say(key, self.language, **params)


Check = Callable[[Context], list[Finding]]


def check_config(context: Context) -> list[Finding]:
    if context.config_path is None:
        return [Finding(Status.WARN, context.text("config.none"), context.text("config.none.fix"))]
    try:
        context.document = tomllib.loads(context.config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [
            Finding(
                Status.FAIL, context.text("config.unreadable", path=context.config_path), str(exc)
            )
        ]
    findings = [Finding(Status.OK, context.text("config.found", path=context.config_path))]
    if any(key in context.document for key in SERVER_SECTIONS):
        findings += _check_server_settings(context, context.config_path)
    office = context.document.get("office", {})
    if isinstance(office, Mapping):
        context.office_timezone = str(office.get("timezone", "Asia/Jakarta"))
    return findings


def _check_server_settings(context: Context, path: Path) -> list[Finding]:
    """The server's own check (`antrian-server check`), run as a program of its own.

    The doctor runs on kiosk and counter PCs too, where the server is not what is set
    up: it leaves the server's settings to the server instead of importing its parser.
    """
    environment = dict(os.environ, ANTRIAN_LANG=context.language)
    try:
        result = subprocess.run(
            [_python(), "-m", "server", "--config", str(path), "check"],
            capture_output=True, text=True, timeout=30, env=environment,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Finding(Status.WARN, context.text("config.unchecked"), str(exc))]
    if result.returncode == 0:
        return []
    if result.returncode != 2:  # not a settings mistake: the server program is missing
        detail = (result.stderr.strip().splitlines() or [""])[-1]
        return [Finding(Status.WARN, context.text("config.unchecked"), detail)]
    detail = result.stderr.strip().removeprefix("antrian-server: ")
    return [Finding(Status.FAIL, context.text("config.invalid"), detail)]


def _device_sections(context: Context) -> dict[str, Mapping[str, Any]]:
    return {
        name: section
        for name in PROGRAM_SECTIONS
        if isinstance(section := context.document.get(name), Mapping)
    }


def check_server(context: Context) -> list[Finding]:
    findings: list[Finding] = []
    fallback = None
    for section in _device_sections(context).values():
        if isinstance(section.get("server"), str) and section["server"].strip():
            try:
                fallback = normalize_server_url(section["server"], "server", context.language)
            except ConfigError as exc:
                findings.append(Finding(Status.FAIL, context.text("server.bad_url"), str(exc)))
            break
    off_by = _discovery_off(context)
    if off_by == "[server]" and fallback is None:
        # the server PC itself, not advertising: it answers on this machine
        port = context.document["server"].get("port", DEFAULT_PORT)
        fallback = f"http://127.0.0.1:{port}"
    if off_by is not None:
        if fallback is None:
            findings.append(
                Finding(Status.FAIL, context.text("zeroconf.off.no_server", where=off_by),
                        context.text("zeroconf.off.no_server.fix"))
            )  # fmt: skip
            return findings
        findings.append(Finding(Status.OK, context.text("zeroconf.off", where=off_by)))
        context.server_url = fallback
        return findings + _check_health(context)
    try:
        found = asyncio.run(find_server(context.discovery_timeout_s, fallback_url=None))
        context.server_url = found.url
        findings.append(Finding(Status.OK, context.text("zeroconf.found", url=found.url)))
    except DiscoveryFailed:
        status = Status.WARN if fallback else Status.FAIL
        findings.append(
            Finding(status, context.text("zeroconf.missing"), context.text("zeroconf.missing.fix"))
        )
        context.server_url = fallback
    if context.server_url is None:
        return findings
    return findings + _check_health(context)


def _discovery_off(context: Context) -> str | None:
    """Where the settings turn zeroconf off ("[kiosk]", "[server]"), or None when it is on."""
    sections = _device_sections(context)
    if sections and all(section.get("discovery") is False for section in sections.values()):
        return ", ".join(f"[{name}]" for name in sections)
    server = context.document.get("server")
    if not sections and isinstance(server, Mapping) and server.get("zeroconf") is False:
        return "[server]"
    return None


def _check_health(context: Context) -> list[Finding]:
    findings: list[Finding] = []
    assert context.server_url is not None
    try:
        health = asyncio.run(_health(context.server_url))
    except ClientError as exc:
        findings.append(
            Finding(
                Status.FAIL,
                context.text("server.unreachable", url=context.server_url),
                context.text("server.unreachable.fix", error=exc),
            )
        )
        context.server_url = None
        return findings
    findings.append(
        Finding(
            Status.OK,
            context.text("server.ok", url=context.server_url, office=health.office),
        )
    )
    if health.ha is not None:
        findings += _check_ha(context, health.ha)
    return findings


def _check_ha(context: Context, ha: Mapping[str, Any]) -> list[Finding]:
    """On PostgreSQL: the active server, its standby, the database's replicas and their lag."""
    findings: list[Finding] = []
    active = ha.get("active") or {}
    findings.append(
        Finding(Status.OK, context.text(
            "ha.active", server=active.get("server", "?"), url=active.get("url") or "—",
            since=active.get("since") or "?",
        ))
    )  # fmt: skip
    standbys = [str(name) for name in ha.get("standbys") or ()]
    if standbys:
        findings.append(Finding(Status.OK, context.text("ha.standbys", names=", ".join(standbys))))
    else:
        findings.append(
            Finding(Status.WARN, context.text("ha.no_standby"), context.text("ha.no_standby.fix"))
        )
    replicas = ha.get("replicas") or []
    for replica in replicas:
        lag = replica.get("lag_bytes")
        findings.append(
            Finding(Status.OK, context.text(
                "ha.replica", name=replica.get("name"), state=replica.get("state"),
                sync=replica.get("sync"), lag="?" if lag is None else lag,
            ))
        )  # fmt: skip
    if not replicas:
        findings.append(
            Finding(Status.WARN, context.text("ha.no_replica"), context.text("ha.no_replica.fix"))
        )
    return findings


async def _health(url: str) -> Any:
    async with ApiClient(url) as api:
        return await api.health()


async def _snapshot(url: str, token: str) -> Any:
    async with ApiClient(url, token) as api:
        return await api.snapshot()


def check_tokens(context: Context) -> list[Finding]:
    sections = _device_sections(context)
    if not sections:
        return []
    findings = []
    for name, section in sections.items():
        token = section.get("token")
        if not isinstance(token, str) or not token:
            findings.append(
                Finding(Status.FAIL, context.text("token.missing", section=name),
                        context.text("token.missing.fix", section=name))
            )  # fmt: skip
            continue
        if context.server_url is None:
            findings.append(Finding(Status.WARN, context.text("token.unchecked", section=name)))
            continue
        try:
            snapshot = asyncio.run(_snapshot(context.server_url, token))
        except ApiError as exc:
            findings.append(
                Finding(Status.FAIL, context.text("token.rejected", section=name),
                        context.text("token.rejected.fix", section=name, error=exc.message))
            )  # fmt: skip
            continue
        except ClientError as exc:
            findings.append(
                Finding(Status.WARN, context.text("token.unchecked", section=name), str(exc))
            )
            continue
        findings.append(Finding(Status.OK, context.text("token.ok", section=name)))
        server_time = getattr(snapshot, "server_time", None)
        if isinstance(server_time, datetime):
            context.server_time = server_time
        elif isinstance(server_time, str):
            context.server_time = datetime.fromisoformat(server_time)
    return findings


def check_printer(context: Context) -> list[Finding]:
    if "kiosk" not in context.document and "printer" not in context.document:
        return []
    from printer_drivers import PrinterError, load_printer_config, open_printer

    section = context.document.get("printer")
    try:
        config = load_printer_config(section if isinstance(section, Mapping) else None)
    except PrinterError as exc:
        return [Finding(Status.FAIL, context.text("printer.config"), str(exc))]
    kind = str(getattr(config, "type", "preview"))
    if kind == "preview":
        return [
            Finding(
                Status.WARN, context.text("printer.preview"), context.text("printer.preview.fix")
            )
        ]
    printer = open_printer(config)
    try:
        status = printer.status()  # bounded by the printer's timeout; never raises offline
    except PrinterError as exc:
        return [
            Finding(
                Status.FAIL, context.text("printer.error", kind=kind), _printer_fix(context, exc)
            )
        ]
    finally:
        printer.close()
    if not status.online:
        return [
            Finding(
                Status.FAIL,
                context.text("printer.offline", kind=kind),
                _printer_fix(context, status),
            )
        ]
    problem = status.problem()
    if problem:
        return [Finding(Status.FAIL, context.text("printer.problem", kind=kind), str(problem))]
    return [Finding(Status.OK, context.text("printer.ok", kind=kind))]


def _printer_fix(context: Context, problem: object) -> str:
    """The explanation for a printer error or an offline status (both carry a code)."""
    code = getattr(problem, "code", None) or getattr(problem, "error_code", None) or ""
    error = getattr(problem, "error", None) or problem
    if code == "printer_permission_denied":
        return context.text("printer.permission.fix", error=error)
    if code == "printer_not_found":
        return context.text("printer.not_found.fix", error=error)
    return str(error)


def check_audio(context: Context) -> list[Finding]:
    if "display" not in context.document:
        return []
    findings = []
    missing = [name for name in ("id",) if not any((VOICE_DIR / name).glob("*.wav"))]
    if missing:
        findings.append(
            Finding(Status.FAIL, context.text("voice.missing"), context.text("voice.missing.fix"))
        )
    else:
        findings.append(Finding(Status.OK, context.text("voice.ok")))
    outputs = _audio_outputs()
    if outputs is None:
        findings.append(Finding(Status.WARN, context.text("audio.unknown")))
    elif outputs:
        findings.append(Finding(Status.OK, context.text("audio.ok", device=outputs[0])))
    else:
        findings.append(
            Finding(Status.WARN, context.text("audio.none"), context.text("audio.none.fix"))
        )
    return findings


def _audio_outputs() -> list[str] | None:
    """Names of the audio outputs, from a child process (Qt needs an application object)."""
    code = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "from PySide6.QtMultimedia import QMediaDevices\n"
        "app = QGuiApplication(sys.argv[:1])\n"
        "print('\\n'.join(d.description() for d in QMediaDevices.audioOutputs()))\n"
    )
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        result = subprocess.run(
            [_python(), "-c", code], capture_output=True, text=True, timeout=20, env=environment
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return [line for line in result.stdout.splitlines() if line.strip()]


def _python() -> str:
    import sys

    return sys.executable


def check_clock(context: Context) -> list[Finding]:
    findings = []
    zone_name = context.office_timezone or "Asia/Jakarta"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return [Finding(Status.FAIL, context.text("clock.zone_unknown", zone=zone_name))]
    now = datetime.now(UTC)
    local = now.astimezone(zone)
    findings.append(
        Finding(
            Status.OK,
            context.text(
                "clock.office_time", zone=zone_name, time=local.strftime("%Y-%m-%d %H:%M")
            ),
        )
    )
    machine_offset = datetime.now().astimezone().utcoffset()
    if machine_offset != local.utcoffset():
        findings.append(
            Finding(
                Status.WARN,
                context.text("clock.machine_zone"),
                context.text("clock.machine_zone.fix", zone=zone_name),
            )
        )
    if context.server_time is not None:
        skew = abs((context.server_time - now).total_seconds())
        if skew > CLOCK_SKEW_LIMIT_S:
            findings.append(
                Finding(
                    Status.FAIL,
                    context.text("clock.skew", seconds=round(skew)),
                    context.text("clock.skew.fix"),
                )
            )
        else:
            findings.append(Finding(Status.OK, context.text("clock.in_step")))
    if shutil.which("timedatectl"):
        result = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True, text=True, timeout=5,
        )  # fmt: skip
        if result.returncode == 0 and result.stdout.strip() == "no":
            findings.append(
                Finding(Status.WARN, context.text("clock.ntp"), context.text("clock.ntp.fix"))
            )
    return findings


def check_city(context: Context) -> list[Finding]:
    """On an office server with [city]: the city's central answers, and its clock agrees."""
    section = context.document.get("city")
    if not isinstance(section, Mapping) or not isinstance(section.get("url"), str):
        return []
    url = section["url"].rstrip("/")
    ca_file = section.get("ca_file")
    try:
        tls = ssl.create_default_context(cafile=ca_file if isinstance(ca_file, str) else None)
        request = urllib.request.Request(f"{url}/api/v1/health")
        with urllib.request.urlopen(request, timeout=CITY_TIMEOUT_S, context=tls) as answer:
            header = answer.headers.get("Date")
    except (OSError, ValueError, ssl.SSLError) as exc:
        reason = getattr(exc, "reason", exc)
        return [
            Finding(
                Status.WARN, context.text("city.unreachable", url=url),
                context.text("city.unreachable.fix", reason=reason),
            )
        ]  # fmt: skip
    findings = [Finding(Status.OK, context.text("city.ok", url=url))]
    try:
        central_time = parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError):
        central_time = None
    return findings + city_clock_findings(context, central_time, datetime.now(UTC))


def city_clock_findings(
    context: Context, central_time: datetime | None, now: datetime
) -> list[Finding]:
    """A PC clock more than 5 minutes off the city's breaks its certificate and reports."""
    if central_time is None:
        return []
    skew = abs((central_time - now).total_seconds())
    if skew > CITY_SKEW_LIMIT_S:
        return [
            Finding(
                Status.FAIL, context.text("city.skew", minutes=round(skew / 60)),
                context.text("clock.skew.fix"),
            )
        ]  # fmt: skip
    return [Finding(Status.OK, context.text("city.in_step"))]


CHECKS: tuple[Check, ...] = (
    check_config, check_server, check_tokens, check_printer, check_audio, check_clock,
    check_city,
)  # fmt: skip


def run_checks(context: Context, checks: tuple[Check, ...] = CHECKS) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        try:
            findings += check(context)
        except Exception as exc:  # a broken check must not hide the others
            findings.append(
                Finding(Status.FAIL, f"{check.__name__}: {exc.__class__.__name__}", str(exc))
            )
    return findings


def render(findings: list[Finding], language: str) -> str:
    lines = []
    for finding in findings:
        lines.append(f"{MARKS[finding.status]} {finding.title}")
        if finding.detail and finding.status is not Status.OK:
            lines += [f"        {line}" for line in finding.detail.splitlines()]
    failures = sum(finding.status is Status.FAIL for finding in findings)
    warnings = sum(finding.status is Status.WARN for finding in findings)
    lines.append("")
    lines.append(say("summary", language, failures=failures, warnings=warnings))
    return "\n".join(lines)


def doctor(config: str | None, language: str, discovery_timeout_s: float = 3.0) -> int:
    context = Context(language=language, discovery_timeout_s=discovery_timeout_s)
    try:
        context.config_path = find_config_file(config, {**os.environ, "ANTRIAN_LANG": language})
    except ConfigError as exc:
        print(f"{MARKS[Status.FAIL]} {exc}")
        return 1
    findings = run_checks(context)
    print(render(findings, language))
    return 1 if any(finding.status is Status.FAIL for finding in findings) else 0
