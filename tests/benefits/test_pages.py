"""The case workspace shows each type's form and figures; the receipt states the promise."""

import datetime as dt

import pytest

from counterhall import services
from counterhall.models import BusinessType
from tests import casework
from tests.benefits import builders as b


@pytest.fixture
def employer(db):
    return b.employer()


def test_ben01_form_figures_and_receipt_for_seven_retirees(client, teller, window, employer):
    people = [
        b.retiree(employer_obj=employer, birth=b.years_ago(64, i), name=f"退休{i}")
        for i in range(7)
    ]
    client.force_login(teller)
    bt = BusinessType.objects.get(code="BEN01")
    case = casework.open_case(bt, teller=teller, window=window)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="retiree_ids"' in page
    services.case_set_documents(
        actor=teller,
        case_id=case.pk,
        seen_state=None,
        received=[d.code for d in bt.documents.all()],
    )
    response = client.post(
        f"/cases/{case.pk}/application/",
        {
            "seen_state": "draft",
            "employer_uscc": employer.uscc,
            "retiree_ids": "\n".join(p.id_number for p in people),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="retirees"' in page
    assert "退休6" in page
    assert "超过 5 人，限时办结" in page
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    receipt = client.get(f"/cases/{case.pk}/print/receipt/").content.decode()
    assert "10 个工作日内" in receipt
    assert f"{case.promised_deadline.year}年{case.promised_deadline.month}月" in receipt


def test_ben01_bad_application_shows_the_message_at_the_field(client, teller, window, employer):
    young = b.retiree(employer_obj=employer, birth=b.years_ago(50), name="年轻")
    client.force_login(teller)
    bt = BusinessType.objects.get(code="BEN01")
    case = casework.open_case(bt, teller=teller, window=window)
    response = client.post(
        f"/cases/{case.pk}/application/",
        {"seen_state": "draft", "employer_uscc": employer.uscc, "retiree_ids": young.id_number},
    )
    assert response.status_code == 400
    assert "年轻 尚未达到退休年龄" in response.content.decode()
    case.refresh_from_db()
    assert case.payload == {}


@pytest.mark.parametrize("code", ["BEN02", "BEN03", "BEN04", "TRF01", "TRF02", "TRF03"])
def test_every_type_opens_with_its_form(client, teller, window, code):
    client.force_login(teller)
    case = casework.open_case(code, teller=teller, window=window)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert 'name="id_number"' in page.content.decode()


def test_unemployment_figures_render_in_chinese(client, teller, window, employer):
    from registration import services as registration

    person = b.person(birth=dt.date(1985, 5, 5), name="失业")
    registration.employee_enroll(
        actor=None, employer_id=employer.pk, person_id=person.pk, start=dt.date(2024, 1, 1)
    )
    b.paid_months(employer_obj=employer, person_obj=person, first=dt.date(2024, 1, 1), months=12)
    registration.employee_separate(
        actor=None,
        employer_id=employer.pk,
        person_id=person.pk,
        end=dt.date(2025, 1, 31),
        reason="contract_end",
    )
    case = b.ready(
        teller=teller,
        window=window,
        code="BEN03",
        data={"id_number": person.id_number, "registration_date": "2025-02-05"},
    )
    client.force_login(teller)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "月失业保险金" in page
    assert "1386.00" in page


def test_live_preview_computes_without_saving(client, teller, window, employer):
    people = [b.retiree(employer_obj=employer, birth=b.years_ago(64), name="预览")]
    client.force_login(teller)
    case = casework.open_case("BEN01", teller=teller, window=window, employer=employer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'value="{employer.uscc}"' in page  # the subject from intake fills the form in
    assert 'id="live-figures"' in page
    fragment = client.post(
        f"/cases/{case.pk}/preview/",
        {"employer_uscc": employer.uscc, "retiree_ids": people[0].id_number},
    ).content.decode()
    assert 'id="retirees"' in fragment
    assert "1400.00" in fragment
    bad = client.post(
        f"/cases/{case.pk}/preview/", {"employer_uscc": employer.uscc, "retiree_ids": ""}
    ).content.decode()
    assert 'class="errors"' in bad
    assert "退休人员身份证号码：" in bad
    case.refresh_from_db()
    assert case.payload == {}
    assert case.figures == {}


def test_transfer_preview_needs_the_cases_teller(client, teller, other_teller, window):
    case = casework.open_case("TRF03", teller=teller, window=window)
    client.force_login(other_teller)
    assert client.post(f"/cases/{case.pk}/preview/", {}).status_code in (403, 404)
    client.force_login(teller)
    fragment = client.post(f"/cases/{case.pk}/preview/", {"id_number": "1"})
    assert fragment.status_code == 200
    assert "身份证" in fragment.content.decode()


@pytest.mark.parametrize(("count", "immediate"), [(3, True), (7, False)])
def test_ben01_header_says_immediate_while_the_batch_qualifies(
    client, teller, window, employer, count, immediate
):
    import re

    people = [
        b.retiree(employer_obj=employer, birth=b.years_ago(64, i), name=f"退休{i}")
        for i in range(count)
    ]
    client.force_login(teller)
    bt = BusinessType.objects.get(code="BEN01")
    case = services.case_open(actor=teller, window=window, business_type=bt)
    client.post(
        f"/cases/{case.pk}/application/",
        {
            "seen_state": "draft",
            "employer_uscc": employer.uscc,
            "retiree_ids": "\n".join(p.id_number for p in people),
        },
    )
    page = client.get(f"/cases/{case.pk}/").content.decode()
    mode = re.search(r"<dt>办结方式</dt><dd>(.*?)</dd>", page).group(1)
    assert ("即时办结" in mode) is immediate
    assert ("限时办结" in mode) is not immediate
