"""At completion the applicant takes home a paper per type: A4, the hall's header, the case
number as a code, the local date and the teller's name; the receipt gets a signature line
and no longer asks the applicant to wait once the case is complete."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from counterhall import permissions, services
from review import services as review_services
from tests import casework, factories
from tests.registration.test_handlers import REG01_DATA


@pytest.fixture
def completed_reg01(teller, window, reviewer, leader, finance):
    return casework.complete(
        "REG01",
        REG01_DATA,
        teller=teller,
        window=window,
        reviewer=reviewer,
        signers=(leader, finance),
    )


def test_reg01_prints_the_registration_certificate(client, teller, completed_reg01):
    case = completed_reg01
    client.force_login(teller)

    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "打印参保登记证明" in page

    body = client.get(reverse("case-print", args=[case.pk, "completion"])).content.decode()
    assert "<title>参保登记证明" in body
    assert case.hall.name in body
    assert f'<figure class="case-code" data-number="{case.number}">' in body
    assert teller.get_full_name() in body
    assert timezone.localdate().strftime("%Y-%m-%d") in body
    assert "汪清示例科技有限公司" in body
    assert "6222000011112222" not in body  # the bank account is masked


def test_no_completion_paper_before_completion(client, teller, window, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    assert client.get(reverse("case-print", args=[case.pk, "completion"])).status_code == 403


def test_receipt_has_a_signature_line_and_stops_asking_to_wait_once_complete(
    client, teller, reviewer, window, test_types
):
    case = factories.approved_case(
        reviewer=reviewer, teller=teller, window=window, business_type=test_types.general
    )
    client.force_login(teller)
    before = client.get(reverse("case-print", args=[case.pk, "receipt"])).content.decode()
    assert "请在窗口稍候" in before
    # one signature line, at the foot of the paper (not in the title or heading)
    assert before.count('id="applicant-signature"') == 1
    assert before.index('id="applicant-signature"') > before.index("已收要件")

    services.case_complete(actor=teller, case_id=case.pk, seen_state=None)

    after = client.get(reverse("case-print", args=[case.pk, "receipt"])).content.decode()
    assert "请在窗口稍候" not in after
    assert "办结" in after and 'id="applicant-signature"' in after


def test_papers_give_dates_in_the_language_chosen(client, teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.limited)
    services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    client.force_login(teller)
    url = reverse("case-print", args=[case.pk, "receipt"])
    case.refresh_from_db()
    d = case.promised_deadline
    assert f"{d.year}年{d.month}月{d.day}日" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url).content.decode()
    assert "年" not in english.split("<main", 1)[-1] and str(d.year) in english


def test_signature_lines_name_the_signer_and_the_local_time(
    client, teller, window, reviewer, leader, finance, test_types
):
    """ "王局长 2026-12-02 09:15": the signer's name and the hall's local time, on the case
    page and on the paper the applicant takes home; never a username or an ISO string."""
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.limited)
    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    review_services.case_sign(actor=leader, case_id=case.pk, seen_state=None)
    review_services.case_sign(actor=finance, case_id=case.pk, seen_state=None)
    case = services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
    lines = [
        f"{permissions.staff_name(s.signer)} {timezone.localtime(s.signed_at):%Y-%m-%d %H:%M}"
        for s in case.signatures.all()
    ]
    assert len(lines) == 2

    client.force_login(teller)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    paper = client.get(reverse("case-print", args=[case.pk, "completion"])).content.decode()
    for text in (page, paper):
        shown = re.findall(r'<span class="signature">([^<]*)</span>', text)
        assert shown == lines
    assert permissions.staff_name(reviewer) in paper
    history = page.split('id="history"', 1)[1]
    for who in (teller, reviewer, leader, finance):
        assert f"<td>{permissions.staff_name(who)}</td>" in history
        assert f"<td>{who.username}</td>" not in history
