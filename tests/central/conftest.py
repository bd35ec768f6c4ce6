"""The central in-process on a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.central import RunningCentral, running_central
from tests.support.postgres import Cluster


@pytest.fixture
async def central(postgres_cluster: Cluster) -> AsyncIterator[RunningCentral]:
    async with running_central(postgres_cluster) as running:
        yield running
