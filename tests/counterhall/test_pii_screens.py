"""Personal data seen only on purpose (PIPL): ID numbers and bank accounts masked on every
screen, inside figures and free text too; 显示完整号码 for the teller on their case, recorded;
the auditor's report of these views; pages with personal data are not cached."""

import pytest
from django.urls import reverse

from counterhall import auditlog, services
from counterhall.models import AuditEntry
from counterhall.pii import mask_text, masked
from tests import casework
from tests import masterdata as md

pytestmark = pytest.mark.django_db
NEW_ACCOUNT = "6222000000001111"
OLD_ACCOUNT = "6222000011112222"  # tests.masterdata.employer's


def test_numbers_inside_text_are_masked_and_codes_are_not():
    assert mask_text(f"银行账号变更 {OLD_ACCOUNT} → {NEW_ACCOUNT}") == (
        "银行账号变更 ************2222 → ************1111"
    )
    assert mask_text(f"{md.ID_MALE} 5000") == f"{md.ID_MALE[:6]}********{md.ID_MALE[-4:]} 5000"
    for kept in ("WQ-20261125-0007", md.USCC_A, "2026-01-01", "5000.00", "12345678"):
        assert mask_text(kept) == kept
    assert masked({"a": [f"x {NEW_ACCOUNT}"], "n": 3}) == {"a": ["x ************1111"], "n": 3}


@pytest.fixture
def reg02(teller, window):
    md.employer()
    return casework.intake(
        "REG02", {"uscc": md.USCC_A, "bank_account": NEW_ACCOUNT}, teller=teller, window=window
    )


@pytest.fixture
def con01(teller, window):
    employer = md.employer()
    person = md.person()
    md.employee(employer_obj=employer, person_obj=person)
    return casework.intake(
        "CON01",
        {"uscc": md.USCC_A, "year": "2026", "wages": f"{md.ID_MALE} 5000"},
        teller=teller,
        window=window,
    )


def test_case_and_review_pages_mask_the_bank_account_change(client, teller, reviewer, reg02):
    services.case_submit(actor=teller, case_id=reg02.pk, seen_state=None)
    assert NEW_ACCOUNT in str(reg02.figures)  # the figures hold the full number
    for user, url in (
        (teller, reverse("case-detail", args=[reg02.pk])),
        (reviewer, reverse("review:case", args=[reg02.pk])),
    ):
        client.force_login(user)
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert NEW_ACCOUNT not in page and OLD_ACCOUNT not in page, user
        assert "************1111" in page
        assert response["Cache-Control"] == "no-store"


def test_con01_wage_lines_never_show_a_full_id_number(client, teller, con01):
    services.case_submit(actor=teller, case_id=con01.pk, seen_state=None)
    client.force_login(teller)
    page = client.get(reverse("case-detail", args=[con01.pk])).content.decode()
    assert md.ID_MALE not in page
    assert md.ID_MALE[-4:] in page


def test_the_teller_reveals_the_full_numbers_for_one_page_and_it_is_recorded(
    client, teller, reg02, auditor
):
    services.case_submit(actor=teller, case_id=reg02.pk, seen_state=None)
    client.force_login(teller)
    url = reverse("case-detail", args=[reg02.pk])
    assert 'id="reveal"' in client.get(url).content.decode()
    response = client.post(reverse("audit-reveal", args=[reg02.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and NEW_ACCOUNT in page
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="pii.view")
    assert entry.actor == teller and entry.target_id == str(reg02.pk)
    assert NEW_ACCOUNT not in client.get(url).content.decode()  # that page only

    groups = dict(auditlog.pii_views(user=auditor))
    assert [e.pk for e in groups["t1"]] == [entry.pk]
    client.force_login(auditor)
    report = client.get(reverse("audit-pii-views")).content.decode()
    assert 'data-staff="t1"' in report and reg02.number in report


def test_others_cannot_reveal(client, other_teller, reg02, auditor):
    for user in (other_teller, auditor):
        client.force_login(user)
        response = client.post(reverse("audit-reveal", args=[reg02.pk]))
        assert response.status_code == 302
        assert NEW_ACCOUNT not in client.get(response.url).content.decode()
    assert not AuditEntry.objects.filter(action="pii.view").exists()


def test_the_admin_masks_figures_and_accounts(admin_client, teller, reg02):
    case_page = admin_client.get(
        reverse("admin:counterhall_case_change", args=[reg02.pk])
    ).content.decode()
    assert admin_client.get(reverse("admin:counterhall_case_changelist")).status_code == 200
    assert NEW_ACCOUNT not in case_page and "1111" in case_page
    employer = md.employer()
    employer_page = admin_client.get(
        reverse("admin:registration_employer_change", args=[employer.pk])
    ).content.decode()
    assert OLD_ACCOUNT not in employer_page and "************2222" in employer_page
    entry = AuditEntry.objects.filter(action="case.application").first()
    entry_page = admin_client.get(
        reverse("admin:counterhall_auditentry_change", args=[entry.pk])
    ).content.decode()
    assert NEW_ACCOUNT not in entry_page


def test_the_timeline_masks_what_the_steps_carry(client, teller, auditor, reg02):
    services.case_submit(actor=teller, case_id=reg02.pk, seen_state=None)
    timeline = auditlog.case_timeline(user=auditor, case_id=reg02.pk)
    assert NEW_ACCOUNT not in str([(s.payload, s.figures, s.details) for s in timeline.steps])
    client.force_login(auditor)
    page = client.get(reverse("audit-case", args=[reg02.pk])).content.decode()
    assert NEW_ACCOUNT not in page and "************1111" in page


def test_the_log_finds_a_subject_by_its_number(auditor, teller, window, con01):
    rows, _ = auditlog.audit_log(user=auditor, subject=md.USCC_A)
    assert str(con01.pk) in {e.target_id for e in rows if e.target_type == "counterhall.case"}
    rows, _ = auditlog.audit_log(user=auditor, subject="91222424MA0Y99999X")
    assert str(con01.pk) not in {e.target_id for e in rows}
