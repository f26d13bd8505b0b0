import pytest

from tests import factories
from tests.metrics import scenario


@pytest.fixture
def types(db):
    return (
        factories.business_type("TST01"),
        factories.business_type("TST02", limit_days=5, signoff=["leader"]),
    )


@pytest.fixture
def scene(hall, window, other_window, teller, other_teller, reviewer, leader, types):
    built = scenario.build(
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
    built.hall, built.w1, built.w2, built.t1, built.t2 = (
        hall,
        window,
        other_window,
        teller,
        other_teller,
    )
    built.type_a, built.type_b = types
    return built
