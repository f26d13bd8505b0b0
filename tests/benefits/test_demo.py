"""The demo builder adds benefit master data once; its retirees can be determined at once."""

import datetime as dt

from django.utils import timezone

from benefits import demo as benefits_demo
from counterhall import demo
from registration import services as registration
from tests.benefits import builders as b


def test_demo_is_idempotent_and_ready_for_ben01(db):
    seeded = demo.seed()
    demo.seed()
    employer = registration.find_employer(benefits_demo.USCC)
    assert employer.employments.count() == 13
    people = [
        e.person for e in employer.employments.filter(person__name__in=benefits_demo.RETIREES[:3])
    ]
    teller, window = seeded["users"]["teller1"], seeded["windows"][1]
    case = b.ready(
        teller=teller,
        window=window,
        code="BEN01",
        data={
            "employer_uscc": employer.uscc,
            "retiree_ids": "\n".join(p.id_number for p in people),
        },
    )
    assert case.figures["retiree_count"] == 3
    assert all(r["contribution_months"] >= 24 for r in case.figures["retirees"])  # since 2024
    # the demo retirees have just reached their statutory age, whatever the year
    latest = max(dt.date.fromisoformat(r["retirement_date"]) for r in case.figures["retirees"])
    assert (timezone.localdate() - latest).days < 62
