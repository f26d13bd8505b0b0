"""The demo hall has a deceased-in-service candidate that special1 can take in at once."""

from counterhall import demo
from special_ops import demo as special_demo
from tests import casework
from tests.special_ops import builders as sb


def test_demo_candidate_ready_for_spc01(db):
    seeded = demo.seed()
    demo.seed()
    person = sb.b.registration.find_person(special_demo.DECEASED_ID)
    assert person is not None
    case = casework.intake(
        "SPC01",
        {**sb.death_data(person), "death_date": "2026-10-05"},
        teller=seeded["users"]["special1"],
        window=seeded["windows"][demo.SPECIAL_WINDOW],
    )
    assert case.figures["contribution_months"] == 240
    assert case.figures["funeral_grant"] == "6400.00"
    assert case.figures["survivor_payment"] == "44800.00"  # 9 + 5 months × 3,200
