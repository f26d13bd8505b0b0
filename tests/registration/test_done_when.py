"""The issue's "done when", through the pages with the demo hall: teller1 enrolls a new
employer, enrolls two employees, declares their bases, enrolls a flexible worker, assesses a
back-payment with late fee and deregisters another employer — each through review."""

import pytest
from django.urls import reverse

from contributions.models import AssessmentBill, BillKind, DeclaredBase
from counterhall import demo
from counterhall.models import BusinessType, Case
from registration.models import Employer, Employment, FlexibleWorker
from tests import factories

pytestmark = pytest.mark.django_db

NEW_USCC = "91222424MA0Y12383Q"


@pytest.fixture
def hall():
    seeded = demo.seed()
    factories.empty_queue(seeded["users"]["reviewer1"])  # each case is the queue's head
    return seeded


def work(client, hall, code, data, *, subject=""):
    users = hall["users"]
    client.force_login(users["teller1"])
    bt = BusinessType.objects.get(code=code)
    before = set(Case.objects.values_list("pk", flat=True))
    r = client.post(
        reverse("case-open"),
        {
            "window": hall["windows"][1].pk,
            "business_type": bt.pk,
            "subject": subject,
            "applicant_name": "经办人",
            "open": "1",
        },
    )
    assert r.status_code == 302, r.content.decode()
    case = Case.objects.exclude(pk__in=before).get()
    docs = {f"doc_{d.code}": "on" for d in bt.documents.all()}
    client.post(reverse("case-documents", args=[case.pk]), {"seen_state": "draft", **docs})
    r = client.post(reverse("case-application", args=[case.pk]), {"seen_state": "draft", **data})
    assert r.status_code == 302, r.content.decode()
    client.post(reverse("case-action", args=[case.pk, "submit"]), {"seen_state": "draft"})
    client.force_login(users["reviewer1"])
    client.post(reverse("review:take-next"))  # the only case in the queue
    # the decision is taken on the review screen's one decision view
    client.post(reverse("review:decision", args=[case.pk, "approve"]), {"seen_state": "in_review"})
    case.refresh_from_db()
    for signer in ("leader1", "finance1"):
        if case.state == "awaiting_signoff" and signer.rstrip("1") in case.pending_signoff_roles():
            client.force_login(users[signer])
            client.post(
                reverse("case-action", args=[case.pk, "sign"]), {"seen_state": "awaiting_signoff"}
            )
            case.refresh_from_db()
    client.force_login(users["teller1"])
    client.post(reverse("case-action", args=[case.pk, "complete"]), {"seen_state": "approved"})
    case.refresh_from_db()
    assert case.state == "completed", (code, case.state)
    return case


def test_done_when(client, hall):
    work(
        client,
        hall,
        "REG01",
        {
            "uscc": NEW_USCC,
            "name": "汪清县新开示例有限公司",
            "legal_representative": "吴法人",
            "injury_class": "3",
            "registered_on": "2025-01-02",
            "bank_account": "6222000011118888",
        },
        subject=NEW_USCC,
    )
    employer = Employer.objects.get(uscc=NEW_USCC)
    for number, name in (("222424199211112018", "钱七"), ("222424197008085019", "郑八")):
        work(
            client,
            hall,
            "REG04",
            {
                "uscc": NEW_USCC,
                "id_number": number,
                "name": name,
                "retirement_category": "male_60",
                "start": "2025-01-02",
                "starting_wage": "4000",
            },
            subject=NEW_USCC,
        )
    assert Employment.objects.filter(employer=employer, end__isnull=True).count() == 2
    work(
        client,
        hall,
        "CON01",
        {
            "uscc": NEW_USCC,
            "year": "2026",
            "wages": "222424199211112018 5000\n222424197008085019 2000",
        },
        subject=NEW_USCC,
    )
    assert sorted(
        DeclaredBase.objects.filter(employer=employer, year=2026).values_list("base", flat=True)
    ) == [3900, 5000]
    work(
        client,
        hall,
        "CON02",
        {
            "id_number": "222424199502204027",
            "name": "冯九",
            "retirement_category": "female_55",
            "base_ratio": "0.80",
            "start": "2026-01-01",
            "bank_account": "6222000000004444",
        },
    )
    assert FlexibleWorker.objects.filter(person__name="冯九").exists()
    case = work(
        client,
        hall,
        "CON03",
        {
            "uscc": NEW_USCC,
            "id_number": "222424199211112018",
            "period_from": "2025-01",
            "period_to": "2025-02",
            "monthly_wage": "4000",
            "paid_date": "2026-03-31",
        },
    )
    bill = AssessmentBill.objects.get(kind=BillKind.BACK_PAYMENT, case=case)
    assert bill.late_fee > 0 and bill.total == bill.principal + bill.late_fee
    other = Employer.objects.get(uscc="91222424MA0Y123598")  # the demo builder, no staff
    work(
        client,
        hall,
        "REG03",
        {
            "uscc": other.uscc,
            "deregistered_on": "2026-10-31",
            "reason": "营业执照注销",
        },
        subject=other.uscc,
    )
    other.refresh_from_db()
    assert other.status == "deregistered"
