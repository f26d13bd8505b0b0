"""One hall, not one teller: any general window reads and continues (接续办理) any general
case of the hall; the hall admin moves a teller's open cases; the printed number opens the
case."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from counterhall import services
from counterhall.exceptions import StaleCase, TransitionNotPossible
from counterhall.models import AuditEntry, CaseState
from counterhall.permissions import cases_visible_to
from review import services as review_services
from tests import casework, factories


@pytest.fixture
def hall_admin(hall):
    return factories.UserFactory(username="ha1", roles=["hall_admin"], hall=hall)


def take_over(case, actor, **kwargs):
    kwargs.setdefault("seen_state", case.state)
    kwargs.setdefault("seen_teller", case.teller_id)
    return services.case_take_over(actor=actor, case_id=case.pk, **kwargs)


def test_general_teller_reads_every_general_case_of_the_hall_but_no_special_one(
    teller, other_teller, special_clerk, window, special_window, test_types
):
    general = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    special = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )

    visible = set(cases_visible_to(other_teller).values_list("pk", flat=True))

    assert general.pk in visible
    assert special.pk not in visible
    assert special.pk in set(cases_visible_to(special_clerk).values_list("pk", flat=True))


def test_special_case_is_404_for_a_general_teller(
    client, other_teller, special_clerk, special_window, test_types
):
    special = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    client.force_login(other_teller)
    assert client.get(reverse("case-detail", args=[special.pk])).status_code == 404


def test_take_over_moves_the_case_to_the_teller_and_window_in_one_audited_step(
    teller, other_teller, window, other_window, test_types
):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)

    case = take_over(case, other_teller)

    case.refresh_from_db()
    assert (case.teller, case.window) == (other_teller, other_window)
    entry = AuditEntry.objects.get(action="case.take_over", target_id=str(case.pk))
    assert entry.actor == other_teller
    assert entry.before["teller"] == teller.pk and entry.before["window"] == window.number
    assert entry.after["teller"] == other_teller.pk and entry.after["window"] == other_window.number
    assert teller.get_full_name() in entry.note and other_teller.get_full_name() in entry.note
    # the former teller's next act is refused, naming the holder; the new holder works on it
    with pytest.raises(PermissionDenied, match=other_teller.get_full_name()):
        services.case_submit(actor=teller, case_id=case.pk, seen_state=CaseState.DRAFT)
    services.case_submit(actor=other_teller, case_id=case.pk, seen_state=CaseState.DRAFT)


def test_awaiting_documents_and_returned_cases_can_be_taken_over(
    teller, other_teller, reviewer, window, test_types
):
    noticed = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    noticed = services.case_notify_missing(actor=teller, case_id=noticed.pk, seen_state=None)
    returned = factories.in_review_case(
        reviewer=reviewer, teller=teller, window=window, business_type=test_types.general
    )
    returned = review_services.case_return(
        actor=reviewer, case_id=returned.pk, seen_state=None, reasons=["补签字"]
    )

    for case in (noticed, returned):
        assert take_over(case, other_teller).teller == other_teller


@pytest.mark.parametrize("stage", ["submitted", "in_review", "approved", "completed"])
def test_a_case_in_review_awaiting_signoff_or_finished_cannot_be_taken_over(
    stage, teller, other_teller, reviewer, window, test_types
):
    kwargs = {"teller": teller, "window": window, "business_type": test_types.general}
    if stage == "submitted":
        case = factories.submitted_case(**kwargs)
    elif stage == "in_review":
        case = factories.in_review_case(reviewer=reviewer, **kwargs)
    else:
        case = factories.approved_case(reviewer=reviewer, **kwargs)
        if stage == "completed":
            case = services.case_complete(actor=teller, case_id=case.pk, seen_state=None)

    with pytest.raises(TransitionNotPossible, match="不能接续办理"):
        take_over(case, other_teller)

    case.refresh_from_db()
    assert case.teller == teller
    assert not AuditEntry.objects.filter(action="case.take_over").exists()


def test_a_case_that_moved_meanwhile_is_stale_and_nothing_changes(
    hall, teller, other_teller, window, test_types
):
    third_window = factories.WindowFactory(hall=hall, number=3)
    third = factories.UserFactory(
        username="t3", roles=["teller"], hall=hall, windows=[third_window]
    )
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    seen = {"seen_state": case.state, "seen_teller": case.teller_id}
    take_over(case, third)

    with pytest.raises(StaleCase):
        take_over(case, other_teller, **seen)

    case.refresh_from_db()
    assert case.teller == third


def test_take_over_button_and_the_former_tellers_list(
    client, teller, other_teller, window, test_types
):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(other_teller)

    response = client.post(
        reverse("case-take-over", args=[case.pk]),
        {"seen_state": case.state, "seen_teller": teller.pk},
        follow=True,
    )

    assert "已接续办理" in response.content.decode()
    client.force_login(teller)
    assert case.number not in client.get(reverse("case-worklist")).content.decode()
    response = client.post(
        reverse("case-action", args=[case.pk, "withdraw"]),
        {"seen_state": case.state, "reasons": "办事人放弃"},
        follow=True,
    )
    body = response.content.decode()
    assert "接续办理" in body and other_teller.get_full_name() in body
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT


def test_stale_take_over_in_the_page_is_the_stale_message(
    client, teller, other_teller, window, test_types
):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(other_teller)

    response = client.post(
        reverse("case-take-over", args=[case.pk]),
        {"seen_state": CaseState.DRAFT, "seen_teller": teller.pk},
        follow=True,
    )

    assert "此业务已被他人处理" in response.content.decode()
    case.refresh_from_db()
    assert case.teller == teller


def test_hall_admin_moves_every_open_case_of_a_teller(
    client, hall_admin, teller, other_teller, reviewer, window, other_window, test_types
):
    kwargs = {"teller": teller, "window": window, "business_type": test_types.general}
    drafts = [casework.open_case(**kwargs) for _ in range(2)]
    queued = factories.submitted_case(**kwargs)
    done = factories.approved_case(reviewer=reviewer, **kwargs)
    done = services.case_complete(actor=teller, case_id=done.pk, seen_state=None)
    client.force_login(hall_admin)

    page = client.get(reverse("hall-tellers")).content.decode()
    assert 'data-teller="t1"><td>' in page and '<td class="num">3</td>' in page

    response = client.post(
        reverse("hall-tellers"),
        {"from_teller": teller.pk, "to_teller": other_teller.pk},
        follow=True,
    )

    assert "已将 3 件未办结业务" in response.content.decode()
    for case in [*drafts, queued]:
        case.refresh_from_db()
        assert (case.teller, case.window) == (other_teller, other_window)
    done.refresh_from_db()
    assert done.teller == teller
    assert AuditEntry.objects.filter(action="case.reassign", actor=hall_admin).count() == 3


def test_only_the_hall_admin_moves_cases(client, teller, other_teller, window, test_types):
    casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(other_teller)
    assert client.get(reverse("hall-tellers")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.cases_reassign(actor=other_teller, from_teller=teller, to_teller=other_teller)


def test_cases_are_not_moved_to_a_teller_without_a_window_of_their_kind(
    hall, hall_admin, special_clerk, special_window, other_teller, test_types
):
    from django.core.exceptions import ValidationError

    case = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    with pytest.raises(ValidationError, match="没有可办理"):
        services.cases_reassign(actor=hall_admin, from_teller=special_clerk, to_teller=other_teller)
    case.refresh_from_db()
    assert case.teller == special_clerk


def test_notice_prints_the_number_as_a_qr_code(client, teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    services.case_notify_missing(actor=teller, case_id=case.pk, seen_state=None)
    client.force_login(teller)

    body = client.get(reverse("case-print", args=[case.pk, "notice"])).content.decode()

    assert f'<figure class="case-code" data-number="{case.number}"><svg' in body
    assert f"<title>{case.number}</title>" in body


def test_scanned_number_opens_the_case_at_any_window(
    client, teller, other_teller, window, test_types
):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(other_teller)

    response = client.get(reverse("case-find"), {"number": case.number.lower()})

    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", args=[case.pk])


def test_unknown_and_invisible_numbers_are_both_not_found(
    client, other_teller, special_clerk, special_window, test_types
):
    special = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    client.force_login(other_teller)

    unknown = client.get(reverse("case-find"), {"number": "TS-20990101-0001"})
    invisible = client.get(reverse("case-find"), {"number": special.number})

    assert unknown.status_code == invisible.status_code == 200
    assert "未找到" in unknown.content.decode() and "未找到" in invisible.content.decode()
    assert test_types.special.name not in invisible.content.decode()  # no hint that it exists


def test_case_page_reloads_when_someone_else_moves_the_case(
    client, teller, reviewer, window, test_types
):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in page
    url = reverse("case-state", args=[case.pk])
    seen = {"state": case.state, "teller": teller.pk}

    unchanged = client.get(url, seen, headers={"HX-Request": "true"})
    assert unchanged.status_code == 200 and "HX-Refresh" not in unchanged

    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    moved = client.get(url, seen, headers={"HX-Request": "true"})
    assert moved["HX-Refresh"] == "true"
