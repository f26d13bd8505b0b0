"""The efficiency pages read the metrics engine's figures of tests/metrics/scenario.py (two
days of one hall with hand-counted answers: the ``scene`` and ``types`` fixtures of
tests/metrics) through a leader."""

import pytest

from tests.metrics.conftest import scene, types  # noqa: F401  (fixtures shared)

NOV = "period=custom&start=2026-11-01&end=2026-11-30"


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client
