"""一件事一次办: bundles in the catalogue, taken in at a window in one visit, with one merged
checklist, one application, one notice, one receipt; each case goes its own way."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from counterhall import bundle_selectors, bundle_services, services
from counterhall import visit_services as visits
from counterhall.models import (
    AuditEntry,
    Bundle,
    BundleItem,
    BusinessType,
    CaseState,
    DocumentStatus,
    VisitCategory,
)
from counterhall.roles import Role
from review import services as review_services
from tests import factories
from tests import masterdata as md
from tests.registration.test_handlers import REG01_DATA, REG04_DATA

pytestmark = pytest.mark.django_db


def qykb():
    return Bundle.objects.get(code="QYKB")


def test_seeded_bundles_name_their_types_in_order():
    seeded = {
        b.code: [(i.business_type.code, i.optional) for i in b.items.all()]
        for b in Bundle.objects.prefetch_related("items__business_type")
    }
    assert seeded == {
        "QYKB": [("REG01", False), ("REG04", False)],
        "TXYJS": [("BEN01", False), ("CON03", True)],
        "SHYJS": [("SPC01", False), ("BEN04", True)],
    }
    assert qykb().name == "企业开办参保"


def test_a_bundle_is_offered_only_where_its_types_may_be_taken(teller, special_clerk):
    assert [b.code for b in bundle_selectors.bundles_offered(user=teller)] == ["QYKB", "TXYJS"]
    assert [b.code for b in bundle_selectors.bundles_offered(user=special_clerk)] == ["SHYJS"]


def test_offer_reads_three_queries_however_many_bundles(teller, window, django_assert_num_queries):
    windows = [window]
    with django_assert_num_queries(2):
        assert len(bundle_selectors.bundles_offered(user=teller, windows=windows)) == 2
    for n in range(5):
        bundle = Bundle.objects.create(code=f"X{n}", name=f"事{n}", name_en=f"x{n}")
        BundleItem.objects.create(
            bundle=bundle, business_type=BusinessType.objects.get(code="REG02")
        )
    with django_assert_num_queries(2):
        assert len(bundle_selectors.bundles_offered(user=teller, windows=windows)) == 7


def test_general_bundle_refused_at_the_special_window(special_clerk, special_window):
    with pytest.raises(ValidationError) as exc:
        bundle_services.bundle_open(actor=special_clerk, window=special_window, bundle=qykb())
    assert exc.value.messages == [str(bundle_services.BUNDLE_NOT_HERE)]


def test_special_bundle_optional_general_type_needs_a_general_window(special_clerk, special_window):
    bundle = Bundle.objects.get(code="SHYJS")
    with pytest.raises(ValidationError) as exc:
        bundle_services.bundle_open(
            actor=special_clerk, window=special_window, bundle=bundle, optional_codes=["BEN04"]
        )
    assert "optional" in exc.value.message_dict
    intake = bundle_services.bundle_open(actor=special_clerk, window=special_window, bundle=bundle)
    assert [c.business_type.code for c in intake.ordered_cases()] == ["SPC01"]


def test_open_takes_every_case_into_the_visit_with_one_entry(hall, window, teller):
    guide = factories.UserFactory(username="g1", roles=[Role.HALL_ADMIN], hall=hall)
    visit = visits.visit_issue(actor=guide, hall=hall, category=VisitCategory.GENERAL)
    visits.visit_call(actor=teller, window=window)
    intake = bundle_services.bundle_open(
        actor=teller,
        window=window,
        bundle=qykb(),
        applicant_name="王经办",
        subject_query=md.USCC_A,
    )
    cases = intake.ordered_cases()
    assert [c.business_type.code for c in cases] == ["REG01", "REG04"]
    assert all(c.state == CaseState.DRAFT and c.window == window for c in cases)
    assert intake.visit == visit
    visit.refresh_from_db()
    assert set(visit.cases.all()) == set(cases)
    entry = AuditEntry.objects.get(action="bundle.open")
    assert entry.after["cases"] == [c.number for c in cases]
    assert entry.after["bundle"] == "QYKB"


@pytest.fixture
def shared_doc_bundle(test_types):
    """A bundle of two test types that both require the document "form"."""
    bundle = Bundle.objects.create(code="TSTB", name="测试一件事", name_en="test bundle")
    BundleItem.objects.create(bundle=bundle, business_type=test_types.general, position=1)
    BundleItem.objects.create(bundle=bundle, business_type=test_types.deferrable, position=2)
    return bundle


def test_merged_checklist_lists_a_shared_document_once_and_records_it_on_each(
    shared_doc_bundle, teller, window
):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=shared_doc_bundle)
    rows = bundle_selectors.merged_checklist(intake.ordered_cases())
    assert [r.code for r in rows] == ["form", "id", "contract"]
    assert [len(r.cases) for r in rows] == [2, 1, 1]
    bundle_services.bundle_set_documents(actor=teller, intake_id=intake.pk, received=["form"])
    first, second = intake.ordered_cases()
    assert first.documents["form"]["status"] == DocumentStatus.RECEIVED
    assert second.documents["form"]["status"] == DocumentStatus.RECEIVED
    assert first.documents["id"]["status"] == DocumentStatus.MISSING
    rows = bundle_selectors.merged_checklist(intake.ordered_cases())
    assert rows[0].received and not rows[1].received


def test_one_notice_for_everything_missing_then_none_twice(shared_doc_bundle, teller, window):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=shared_doc_bundle)
    bundle_services.bundle_set_documents(actor=teller, intake_id=intake.pk, received=["form"])
    bundle_services.bundle_notify_missing(actor=teller, intake_id=intake.pk)
    first, second = intake.ordered_cases()
    assert first.state == second.state == CaseState.AWAITING_DOCUMENTS
    assert first.missing_notice["documents"] == ["id"]
    assert second.missing_notice["documents"] == ["contract"]
    entry = AuditEntry.objects.get(action="bundle.notify_missing")
    assert entry.after["missing"] == {first.number: ["id"], second.number: ["contract"]}


def test_notice_refused_when_nothing_is_missing(shared_doc_bundle, teller, window):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=shared_doc_bundle)
    bundle_services.bundle_set_documents(
        actor=teller, intake_id=intake.pk, received=["form", "id", "contract"]
    )
    with pytest.raises(ValidationError):
        bundle_services.bundle_notify_missing(actor=teller, intake_id=intake.pk)


def merged(intake, shared, own):
    """The merged application as posted: shared fields once, each case's own prefixed."""
    data = dict(shared)
    for case in intake.ordered_cases():
        for key, value in own[case.business_type.code].items():
            if key not in shared:
                data[f"c{case.pk}-{key}"] = value
    return data


def test_one_application_feeds_the_shared_uscc_to_each_form(teller, window):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=qykb())
    data = merged(intake, {"uscc": md.USCC_A}, {"REG01": REG01_DATA, "REG04": REG04_DATA})
    errors = bundle_services.bundle_save_application(actor=teller, intake_id=intake.pk, data=data)
    reg01, reg04 = intake.ordered_cases()
    # REG04 needs the registered employer: its own form refuses until REG01 is done
    assert list(errors) == [reg04.pk]
    assert "uscc" in errors[reg04.pk].message_dict
    assert reg01.payload["uscc"] == md.USCC_A and reg01.payload["name"] == REG01_DATA["name"]
    assert reg04.payload == {}
    entry = AuditEntry.objects.get(action="bundle.application")
    assert entry.after == {"saved": [reg01.number], "refused": [reg04.number]}


def test_each_case_goes_its_own_way_and_the_bundle_completes_with_the_last(
    teller, window, reviewer
):
    md.employer()  # REG04 of an employer already registered (its REG01 done elsewhere)
    bundle = Bundle.objects.create(code="TST2", name="二件事", name_en="two")
    for pos, code in enumerate(["REG02", "REG04"], start=1):
        BundleItem.objects.create(
            bundle=bundle, business_type=BusinessType.objects.get(code=code), position=pos
        )
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=bundle)
    reg02, reg04 = intake.ordered_cases()
    bundle_services.bundle_set_documents(
        actor=teller,
        intake_id=intake.pk,
        received=[*reg02.documents, *reg04.documents],
    )
    data = merged(
        intake,
        {"uscc": md.USCC_A, "id_number": REG04_DATA["id_number"]},
        {"REG02": {"address": "新地址 9 号"}, "REG04": REG04_DATA},
    )
    assert (
        bundle_services.bundle_save_application(actor=teller, intake_id=intake.pk, data=data) == {}
    )
    assert bundle_services.bundle_submit(actor=teller, intake_id=intake.pk) == {}
    reg02, reg04 = intake.ordered_cases()
    assert reg02.state == reg04.state == CaseState.SUBMITTED
    assert not intake.is_complete
    for case in (reg02, reg04):
        review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
        review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    services.case_complete(actor=teller, case_id=reg02.pk, seen_state=None)
    assert not intake.is_complete
    services.case_complete(actor=teller, case_id=reg04.pk, seen_state=None)
    assert intake.is_complete


def test_submit_leaves_a_case_that_is_not_ready_in_intake(teller, window):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=qykb())
    refused = bundle_services.bundle_submit(actor=teller, intake_id=intake.pk)
    assert set(refused) == {c.number for c in intake.ordered_cases()}
    assert all(c.state == CaseState.DRAFT for c in intake.ordered_cases())


def test_another_teller_may_not_act_on_the_bundle(teller, window, other_teller):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=qykb())
    with pytest.raises(bundle_services.PermissionDenied):
        bundle_services.bundle_notify_missing(actor=other_teller, intake_id=intake.pk)


# --------------------------------------------------------------------------- pages


def test_intake_page_offers_bundles_next_to_single_types(client, teller):
    client.force_login(teller)
    page = client.get(reverse("case-open")).content.decode()
    assert "企业开办参保" in page and "退休一件事" in page and "身后一件事" not in page


def test_bundle_pages_checklist_application_notice_and_receipt(client, teller, window):
    client.force_login(teller)
    bundle = qykb()
    response = client.post(
        reverse("bundle-open"),
        {
            "bundle-window": window.pk,
            "bundle-bundle": bundle.pk,
            "bundle-applicant_name": "王经办",
            "bundle-subject": md.USCC_A,
        },
    )
    intake = bundle.intakes.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bundle-detail", args=[intake.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count('name="received"') == 8  # REG01's five and REG04's three, once each
    assert page.count('name="uscc"') == 1  # the shared USCC, typed once
    reg01, reg04 = intake.ordered_cases()
    assert f'name="c{reg01.pk}-name"' in page and f'name="c{reg04.pk}-name"' in page
    data = merged(intake, {"uscc": md.USCC_A}, {"REG01": REG01_DATA, "REG04": REG04_DATA})
    response = client.post(
        reverse("bundle-detail", args=[intake.pk]), {"act": "application", **data}
    )
    assert response.status_code == 400  # REG04's form refuses the unregistered employer
    assert "REG04：本中心没有此统一社会信用代码的参保单位" in response.content.decode()
    client.post(
        reverse("bundle-detail", args=[intake.pk]),
        {"act": "documents", "received": ["business_licence", "employee_id"]},
    )
    assert client.get(reverse("bundle-print", args=[intake.pk, "notice"])).status_code == 403
    client.post(reverse("bundle-detail", args=[intake.pk]), {"act": "notify"})
    notice = client.get(reverse("bundle-print", args=[intake.pk, "notice"])).content.decode()
    assert "法定代表人身份证" in notice and "劳动合同" in notice and "营业执照" not in notice
    assert client.get(reverse("bundle-print", args=[intake.pk, "receipt"])).status_code == 403


def test_bundle_page_hidden_from_a_user_who_may_not_read_its_cases(client, teller, window, hall):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=qykb())
    stranger = factories.UserFactory(
        username="x1", roles=[Role.TELLER], hall=factories.HallFactory(code="XX")
    )
    client.force_login(stranger)
    assert client.get(reverse("bundle-detail", args=[intake.pk])).status_code == 404


def test_hall_admin_edits_a_bundle_in_the_admin_and_it_is_audited(admin_client):
    bundle = qykb()
    url = reverse("admin:counterhall_bundle_change", args=[bundle.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "REG04" in page.content.decode()
    items = list(bundle.items.all())
    data = {
        "code": "QYKB",
        "name": "企业开办一件事",
        "name_en": "opening an enterprise",
        "active": "on",
        "position": "1",
        "shared_fields": '["uscc", "id_number"]',
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(items):
        data.update(
            {
                f"items-{n}-id": str(item.pk),
                f"items-{n}-bundle": str(bundle.pk),
                f"items-{n}-business_type": str(item.business_type_id),
                f"items-{n}-position": str(item.position),
                f"items-{n}-condition": item.condition,
                f"items-{n}-condition_en": item.condition_en,
            }
        )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    bundle.refresh_from_db()
    assert bundle.name == "企业开办一件事"
    assert AuditEntry.objects.filter(action="admin.change", target_id=str(bundle.pk)).exists()


def test_a_bundle_not_offered_at_the_users_windows_is_refused_by_the_page(client, teller, window):
    client.force_login(teller)
    response = client.post(
        reverse("bundle-open"),
        {"bundle-window": window.pk, "bundle-bundle": Bundle.objects.get(code="SHYJS").pk},
    )
    assert response.status_code == 400
    assert not Bundle.objects.get(code="SHYJS").intakes.exists()


def test_case_data_gives_each_case_the_shared_fields_and_its_own(teller, window):
    intake = bundle_services.bundle_open(actor=teller, window=window, bundle=qykb())
    reg01, reg04 = intake.ordered_cases()
    posted = {
        "uscc": md.USCC_A,
        f"c{reg01.pk}-name": "某公司",
        f"c{reg04.pk}-name": "李四",
        "name": "ignored",
    }
    assert bundle_services.case_data(intake.bundle, reg01, posted).dict() == {
        "uscc": md.USCC_A,
        "name": "某公司",
    }
    assert bundle_services.case_data(intake.bundle, reg04, posted).dict() == {
        "uscc": md.USCC_A,
        "name": "李四",
    }
