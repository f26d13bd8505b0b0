import pytest
from django.urls import reverse

from counterhall import demo, services
from counterhall.models import CaseState
from tests import casework, factories


@pytest.fixture
def demo_hall(db):
    """The demo hall with its staff (the apps' demo cases are tested once, below)."""
    return demo.seed(business_data=False)


def test_every_demo_home_page_renders_with_the_demo_cases(client, db):
    demo.seed()
    for username, *_ in demo.USERS:
        client.post(reverse("login"), {"username": username, "password": demo.DEMO_PASSWORD})
        response = client.get(reverse("home"))
        assert response.status_code == 200, username
        assert "您好" in response.content.decode()
        client.post(reverse("logout"))


@pytest.mark.parametrize("username", [u[0] for u in demo.USERS])
def test_each_demo_user_logs_in_and_sees_home_in_chinese(client, demo_hall, username):
    response = client.post(
        reverse("login"), {"username": username, "password": demo.DEMO_PASSWORD}, follow=True
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in body
    assert "您好" in body and "汪清县社会保险事业管理局" in body


def test_teller_home_says_where_they_work_and_what_waits(client, demo_hall):
    client.force_login(demo_hall["users"]["teller1"])
    body = client.get(reverse("home")).content.decode()
    assert "综合柜员" in body and "1 号窗口" in body and "我的在办业务" in body


def test_reviewer_home_shows_the_queue(client, demo_hall):
    client.force_login(demo_hall["users"]["reviewer1"])
    assert "复核队列" in client.get(reverse("home")).content.decode()


def test_seed_demo_is_idempotent(demo_hall):
    again = demo.seed()
    assert again["hall"].pk == demo_hall["hall"].pk
    assert again["hall"].windows.count() == 7
    assert again["hall"].windows.filter(kind="special").count() == 1


def test_english_switch(client, demo_hall):
    client.force_login(demo_hall["users"]["teller1"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert 'lang="en"' in body
    assert "Hello" in body


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_teller_works_a_case_through_the_pages(client, teller, window, reviewer, test_types):
    client.force_login(teller)
    response = client.post(
        reverse("case-open"),
        {"window": window.pk, "business_type": test_types.general.pk, "applicant_name": "王五"},
    )
    case = teller.cases_taken.get()
    assert response.status_code == 302

    client.post(
        reverse("case-documents", args=[case.pk]),
        {"seen_state": "draft", "doc_form": "on", "doc_id": "on"},
    )
    client.post(
        reverse("case-application", args=[case.pk]), {"seen_state": "draft", "amount": "12.50"}
    )
    response = client.post(
        reverse("case-action", args=[case.pk, "submit"]), {"seen_state": "draft"}, follow=True
    )

    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.figures["double"] == "25.00"
    assert "提交复核" in response.content.decode()


def test_application_errors_show_at_the_field(client, teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)

    response = client.post(
        reverse("case-application", args=[case.pk]), {"seen_state": "draft", "amount": "abc"}
    )

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    case.refresh_from_db()
    assert case.payload == {}


def test_other_teller_reads_the_case_but_is_offered_only_take_over(
    client, teller, other_teller, window, test_types
):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(other_teller)

    body = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert case.number in body
    assert 'data-action="take-over"' in body
    assert 'data-action="submit"' not in body
    assert 'id="documents-form"' not in body


def test_notice_and_receipt_print(client, teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    services.case_set_documents(actor=teller, case_id=case.pk, seen_state=None, received=["form"])
    services.case_notify_missing(actor=teller, case_id=case.pk, seen_state=None)
    client.force_login(teller)

    body = client.get(reverse("case-print", args=[case.pk, "notice"])).content.decode()
    assert "一次性告知书" in body and "要件 id" in body and case.number in body
    assert client.get(reverse("case-print", args=[case.pk, "receipt"])).status_code == 403


def test_home_query_count_does_not_grow_with_cases(
    client, teller, window, test_types, django_assert_max_num_queries
):
    client.force_login(teller)
    for _ in range(3):
        casework.open_case(teller=teller, window=window, business_type=test_types.general)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("home"))
    for _ in range(27):
        casework.open_case(teller=teller, window=window, business_type=test_types.general)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("home"))


def test_withdraw_through_the_page_needs_a_reason(client, teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    url = reverse("case-action", args=[case.pk, "withdraw"])

    response = client.post(url, {"seen_state": "draft", "reasons": "  "}, follow=True)
    assert "请填写原因" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT

    client.post(url, {"seen_state": "draft", "reasons": "办事人放弃申请\n第二行"})
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN


def test_reject_at_intake_through_the_page_keeps_every_reason(client, teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)

    client.post(
        reverse("case-action", args=[case.pk, "reject"]),
        {"seen_state": "draft", "reasons": "不属于受理范围\n材料虚假", "note": "已当面说明"},
    )

    case.refresh_from_db()
    assert case.state == CaseState.REJECTED
    assert case.return_reasons == ["不属于受理范围", "材料虚假"]


def test_reason_taking_acts_fold_behind_a_disclosure(client, teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    body = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'id="act-withdraw"' in body and 'id="act-reject"' in body
    # submit is not offered while documents are missing; the page says why instead
    assert 'data-action="submit"' not in body
    assert 'id="blocked-submit"' in body and "要件不齐" in body


def test_saved_application_masks_id_and_account_numbers(
    client, teller, window, reviewer, test_types
):
    from counterhall.models import Case

    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    # an application carrying personal numbers (as real handlers' payloads do)
    Case.objects.filter(pk=case.pk).update(
        payload={
            "amount": "1.00",
            "id_number": "222424196503151234",
            "bank_account": "6222000011118888",
        }
    )
    client.force_login(teller)

    body = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "222424196503151234" not in body and "222424********1234" in body
    assert "6222000011118888" not in body and "************8888" in body


def test_auditor_home_lists_only_their_halls_audit_entries(
    client, teller, auditor, window, test_types
):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    other_hall = factories.HallFactory(code="OT")
    other_window = factories.WindowFactory(hall=other_hall, number=1)
    other_teller = factories.UserFactory(
        username="ot1", roles=["teller"], hall=other_hall, windows=[other_window]
    )
    other_case = casework.open_case(
        teller=other_teller, window=other_window, business_type=test_types.general
    )
    client.force_login(auditor)

    body = client.get(reverse("home")).content.decode()

    assert case.number in body
    assert other_case.number not in body


def test_application_post_without_seen_state_on_a_submitted_case_is_a_message(
    client, teller, window, test_types
):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)

    response = client.post(
        reverse("case-application", args=[case.pk]), {"amount": "5"}, follow=True
    )

    assert response.status_code == 200
    assert "此业务已被他人处理" in response.content.decode()
    case.refresh_from_db()
    assert case.payload["amount"] == "100.00"


def test_case_by_number_asks_anonymous_to_sign_in(client, db):
    response = client.get(reverse("case-by-number", args=["WQ-20261125-0001"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_type_picker_offers_only_the_kinds_of_the_users_windows(
    client, teller, special_clerk, test_types
):
    client.force_login(special_clerk)
    body = client.get(reverse("case-open")).content.decode()
    assert "TST03" in body  # special
    assert "TST01" not in body  # general

    client.force_login(teller)
    body = client.get(reverse("case-open")).content.decode()
    assert "TST01" in body
    assert "TST03" not in body


def test_a_single_type_match_is_chosen_and_the_search_box_has_focus(client, teller, test_types):
    client.force_login(teller)
    page = client.get(reverse("case-open"), {"q": "TST01"}).content.decode()
    assert 'id="type-q"' in page and "autofocus" in page.split('id="type-q"')[1].split(">")[0]
    assert f'value="{test_types.general.pk}" form="case-open-form" required checked' in page


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("leader", ["/review/signoff/", "/special/payments/", "/review/delegations/"], []),
        ("finance", ["/review/signoff/", "/special/payments/"], ["/cases/new/"]),
        ("teller", ["/cases/new/"], ["/review/signoff/", "/special/payments/"]),
    ],
)
def test_the_menu_leads_each_role_to_its_pages(client, hall, role, shown, hidden):
    user = factories.UserFactory(username=f"nav-{role}", roles=[role], hall=hall)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    nav = html[html.index('class="mainnav"') : html.index("</nav>")]
    for href in shown:
        assert f'href="{href}"' in nav
    for href in hidden:
        assert f'href="{href}"' not in nav
