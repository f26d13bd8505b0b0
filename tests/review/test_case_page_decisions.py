"""The case page and the review screen take the reviewer's decision in one place: a claim
is only through take-next (a direct claim is refused), the case page's approve / return /
release buttons link to the review screen, and a decision posted to the case page's action
URL does nothing."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from counterhall import permissions
from counterhall.actions import CaseAction, get_action, register_action
from counterhall.models import AuditEntry, Case, CaseState
from review.services import case_take_next


def test_a_direct_claim_from_the_case_page_is_refused(client, submitted, reviewer):
    first, second = submitted(), submitted()
    client.force_login(reviewer)

    html = client.get(reverse("case-detail", args=[second.pk])).content.decode()
    assert 'data-action="claim"' not in html
    response = client.post(
        reverse("case-action", args=[second.pk, "claim"]),
        {"seen_state": CaseState.SUBMITTED},
        follow=True,
    )

    assert str(permissions.DENIED_DIRECT_CLAIM) in response.content.decode()
    assert Case.objects.get(pk=second.pk).state == CaseState.SUBMITTED
    assert Case.objects.get(pk=second.pk).reviewer is None
    assert not AuditEntry.objects.filter(action="case.claim").exists()
    # take-next still gives the head of the queue
    assert case_take_next(actor=reviewer).pk == first.pk


def test_a_direct_claim_on_the_review_screen_is_refused(client, submitted, reviewer):
    case = submitted()
    client.force_login(reviewer)

    response = client.post(
        reverse("review:decision", args=[case.pk, "claim"]),
        {"seen_state": CaseState.SUBMITTED},
        follow=True,
    )

    assert str(permissions.DENIED_DIRECT_CLAIM) in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


def test_case_page_links_the_decisions_to_the_review_screen(client, submitted, reviewer):
    case = submitted()
    case_take_next(actor=reviewer)
    client.force_login(reviewer)

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    review_url = reverse("review:case", args=[case.pk])
    for slug in ("approve", "return", "release"):
        assert f'href="{review_url}#{slug}-form" data-action="{slug}"' in html
        assert reverse("case-action", args=[case.pk, slug]) not in html
    # rejecting in review stays a button of the case page, with its reasons
    assert reverse("case-action", args=[case.pk, "reject-in-review"]) in html


def test_a_decision_posted_to_the_case_page_is_not_taken(client, submitted, reviewer):
    case = submitted()
    case_take_next(actor=reviewer)
    client.force_login(reviewer)

    client.post(
        reverse("case-action", args=[case.pk, "approve"]), {"seen_state": CaseState.IN_REVIEW}
    )

    assert Case.objects.get(pk=case.pk).state == CaseState.IN_REVIEW
    assert not AuditEntry.objects.filter(action="case.approve").exists()


def test_reviewer_rejects_from_the_case_page_and_loses_the_grant(client, submitted, reviewer):
    case = submitted()
    case_take_next(actor=reviewer)
    client.force_login(reviewer)

    client.post(
        reverse("case-action", args=[case.pk, "reject-in-review"]),
        {"seen_state": CaseState.IN_REVIEW, "reasons": "材料虚假"},
    )

    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.REJECTED and case.return_reasons == ["材料虚假"]
    assert not reviewer.has_perm("counterhall.decide_case", case)


def test_an_action_slug_is_registered_once():
    claim = get_action("claim")
    register_action(claim)  # the same act again (a second ready()) is harmless
    with pytest.raises(ImproperlyConfigured):
        register_action(CaseAction("claim", "claim", "x", service=None))
