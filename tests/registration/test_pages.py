"""The counter pages: type picker, subject lookup, live preview, subject on the case."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from counterhall.models import BusinessType, Case
from tests import casework, factories
from tests import masterdata as md

pytestmark = pytest.mark.django_db


def test_pinyin_initials_are_stored_on_the_type():
    assert BusinessType.objects.get(code="REG01").pinyin_initials == "dwxcbdj"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("dwcb", "REG01"),
        ("REG04", "REG04"),
        ("单位注销", "REG03"),
        ("bjhd", "CON03"),
        ("con02", "CON02"),
    ],
)
def test_type_picker_finds_by_code_name_or_initials(client, teller, query, first):
    client.force_login(teller)
    response = client.get(reverse("case-open"), {"q": query}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="type-list"' in body and "<html" not in body
    codes = [bt.code for bt in response.context["type_list"]]
    assert codes[0] == first


def test_type_picker_query_count_does_not_grow(client, teller, django_assert_max_num_queries):
    client.force_login(teller)
    # 12, plus the hall and the batch maximum BEN01's completion note reads (once, not per
    # type), plus the bundles offered (一件事一次办: the windows, the bundles, their items)
    with django_assert_max_num_queries(17):
        client.get(reverse("case-open"), {"q": "d"})


def test_subject_lookup_shows_what_the_hall_knows(client, teller):
    employer = md.employer()
    md.employee(employer_obj=employer, person_obj=md.person())
    client.force_login(teller)
    body = client.post(reverse("case-open-subject"), {"subject": md.USCC_A}).content.decode()
    assert employer.name in body and "在职参保职工" in body
    body = client.post(reverse("case-open-subject"), {"subject": md.ID_MALE}).content.decode()
    assert "张三" in body and "222424********1234" in body and md.ID_MALE not in body
    body = client.post(reverse("case-open-subject"), {"subject": md.ID_FEMALE}).content.decode()
    assert "尚无此人员的登记" in body
    body = client.post(reverse("case-open-subject"), {"subject": "222424196503151235"})
    assert "应为 4" in body.content.decode()


def test_open_with_subject_sets_the_case_subject(client, teller, window):
    employer = md.employer()
    client.force_login(teller)
    bt = BusinessType.objects.get(code="REG02")
    response = client.post(
        reverse("case-open"),
        {"window": window.pk, "business_type": bt.pk, "subject": md.USCC_A.lower(), "open": "1"},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.employer == employer
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'id="case-employer"' in page and employer.name in page
    assert f'value="{md.USCC_A}"' in page  # the form starts from the subject


def test_open_with_a_bad_subject_says_so_and_opens_nothing(client, teller, window):
    client.force_login(teller)
    bt = BusinessType.objects.get(code="REG02")
    response = client.post(
        reverse("case-open"),
        {"window": window.pk, "business_type": bt.pk, "subject": "91222424MA0Y12340C"},
    )
    assert response.status_code == 200
    assert "应为 B" in response.content.decode()
    assert not Case.objects.exists()


def test_live_preview_computes_without_saving(client, teller, window):
    md.employer()
    case = casework.open_case("REG04", teller=teller, window=window)
    client.force_login(teller)
    data = {
        "uscc": md.USCC_A,
        "id_number": md.ID_FEMALE,
        "name": "李四",
        "retirement_category": "female_55",
        "start": "2026-01-01",
        "starting_wage": "25000",
    }
    body = client.post(reverse("case-preview", args=[case.pk]), data).content.decode()
    assert "19500.00" in body and "3120.00" in body and "base.avg_wage" in body
    case.refresh_from_db()
    assert case.payload == {} and case.figures == {}
    body = client.post(
        reverse("case-preview", args=[case.pk]), {**data, "starting_wage": "-3"}
    ).content.decode()
    assert "起薪不能为负数" in body


def test_preview_refused_to_other_staff(client, other_teller, teller, window):
    case = casework.open_case("REG01", teller=teller, window=window)
    client.force_login(other_teller)
    response = client.post(reverse("case-preview", args=[case.pk]), {})
    assert response.status_code in (403, 404)


def test_case_form_errors_at_the_field_through_the_page(client, teller, window):
    case = casework.open_case("REG01", teller=teller, window=window)
    client.force_login(teller)
    response = client.post(
        reverse("case-application", args=[case.pk]),
        {
            "seen_state": "draft",
            "uscc": "91222424MA0Y12340C",
            "name": "x",
            "legal_representative": "y",
            "injury_class": "1",
            "registered_on": "2026-01-05",
        },
    )
    assert response.status_code == 400
    assert "第 18 位应为 B" in response.content.decode()
    case.refresh_from_db()
    assert case.payload == {}


def test_receipt_and_notice(client, teller, window, reviewer):
    case = casework.open_case("REG01", teller=teller, window=window)
    client.force_login(teller)
    client.post(reverse("case-action", args=[case.pk, "notify-missing"]), {"seen_state": "draft"})
    notice = client.get(reverse("case-print", args=[case.pk, "notice"])).content.decode()
    assert "营业执照" in notice and case.number in notice


def test_date_inputs_render_iso_dates_for_the_browser(client, teller, window):
    from django.utils import timezone

    case = casework.open_case("REG01", teller=teller, window=window)
    client.force_login(teller)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert f'type="date" name="registered_on" value="{timezone.localdate():%Y-%m-%d}"' in page


def test_saved_application_is_shown_with_the_form_labels(client, teller, window, reviewer):
    md.employer()
    case = casework.intake(
        "REG04",
        {
            "uscc": md.USCC_A,
            "id_number": md.ID_FEMALE,
            "name": "李四",
            "retirement_category": "female_55",
            "start": "2026-01-01",
            "starting_wage": "4800",
        },
        teller=teller,
        window=window,
    )
    from counterhall import services

    services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    client.force_login(reviewer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "起薪（月工资）" in page and "女干部/管理技术岗" in page
    assert "retirement_category" not in page


def test_preview_shows_a_validation_error_of_the_computation(client, teller, window, monkeypatch):
    from contributions import calc

    def refuse(**kwargs):
        raise ValidationError("起薪核定不合规。")

    monkeypatch.setattr(calc, "contribution_preview", refuse)
    md.employer()
    case = casework.open_case("REG04", teller=teller, window=window)
    client.force_login(teller)
    data = {
        "uscc": md.USCC_A,
        "id_number": md.ID_FEMALE,
        "name": "李四",
        "retirement_category": "female_55",
        "start": "2026-01-01",
        "starting_wage": "5000",
    }
    response = client.post(reverse("case-preview", args=[case.pk]), data)
    assert response.status_code == 200
    assert "起薪核定不合规。" in response.content.decode()


def test_preview_serves_every_handled_type_and_no_invisible_case(
    client, teller, other_teller, window, test_types
):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    response = client.post(reverse("case-preview", args=[case.pk]), {"amount": "1.25"})
    assert response.status_code == 200
    assert "2.50" in response.content.decode()  # the test handler's doubled amount
    # another window reads the case but may not work on it before 接续办理
    client.force_login(other_teller)
    assert client.post(reverse("case-preview", args=[case.pk]), {"amount": "1"}).status_code == 403
    # a case of another hall stays invisible
    other_hall = factories.HallFactory(code="OT")
    stranger = factories.UserFactory(
        username="ot1",
        roles=["teller"],
        hall=other_hall,
        windows=[factories.WindowFactory(hall=other_hall, number=1)],
    )
    client.force_login(stranger)
    assert client.post(reverse("case-preview", args=[case.pk]), {"amount": "1"}).status_code == 404


def test_the_uscc_typed_at_intake_is_carried_into_the_application(client, teller, window):
    from counterhall.models import BusinessType
    from tests.masterdata import USCC_A

    client.force_login(teller)
    bt = BusinessType.objects.get(code="REG01")
    response = client.post(
        reverse("case-open"),
        {"window": window.pk, "business_type": bt.pk, "subject": USCC_A, "open": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    import re

    page = client.get(response["Location"]).content.decode()
    field = re.search(r'<input[^>]*id="id_uscc"[^>]*>', page).group(0)
    assert f'value="{USCC_A}"' in field
