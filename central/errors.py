"""Every error of the central under one root; the messages are for people (Indonesian)."""

from __future__ import annotations

from typing import Any

from server.errors import AntrianError


class CentralError(AntrianError):
    """Something the central refuses or cannot do (CLI: one line, non-zero exit)."""


class DatabaseUnavailable(CentralError):
    """PostgreSQL cannot be reached or failed a statement."""


class OfficeExists(CentralError):
    """`office add` with a name the city already has."""


class UnknownOffice(CentralError):
    """A CLI command names an office the city does not have."""


class NothingToRenew(CentralError):
    """`office renew` for an office whose pushes were never refused (no `conflict_log_id`)."""


class BadBatch(CentralError):
    """An ingest body that is not what the API takes (400)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class IngestConflict(CentralError):
    """A batch the central cannot store as it is (409): a gap, or another record."""

    def __init__(self, code: str, message: str, **held: Any) -> None:
        super().__init__(message)
        self.code = code
        self.held = held
