"""The efficiency pages read the metrics engine's figures of tests/metrics/scenario.py (two
days of one hall with hand-counted answers) through a leader."""

import pytest

from tests import factories
from tests.metrics import scenario

NOV = "period=custom&start=2026-11-01&end=2026-11-30"


@pytest.fixture
def types(db):
    return (
        factories.business_type("TST01"),
        factories.business_type("TST02", limit_days=5, signoff=["leader"]),
    )


@pytest.fixture
def scene(hall, window, other_window, teller, other_teller, reviewer, leader, types):
    return scenario.build(
        hall=hall,
        w1=window,
        w2=other_window,
        t1=teller,
        t2=other_teller,
        reviewer=reviewer,
        leader=leader,
        type_a=types[0],
        type_b=types[1],
    )


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client
