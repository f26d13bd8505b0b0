"""Delegation while away: a role handed to a colleague of the same hall for a date range,
set by the person or the hall admin, with field errors for bad input; signatures record
both names; creating, using and ending are audited; an expired delegation signs nothing.
The hall admin releases a reviewer's claims back to the queue."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from counterhall.models import AuditEntry, Case, CaseState, Signature
from counterhall.roles import Role
from review import services
from tests import factories
from tests.review.test_signoff_batch import awaiting_signoff


@pytest.fixture
def people(hall):
    other_hall = factories.HallFactory(code="OT", name="他厅")
    return {
        "absent": factories.UserFactory(
            username="f0", first_name="王财务", roles=[Role.FINANCE], hall=hall
        ),
        "colleague": factories.UserFactory(
            username="c1", first_name="张三", roles=[Role.TELLER], hall=hall
        ),
        "admin": factories.UserFactory(username="adm", roles=[Role.HALL_ADMIN], hall=hall),
        "stranger": factories.UserFactory(username="x1", roles=[Role.FINANCE], hall=other_hall),
    }


def _delegate(people, *, actor=None, starts=0, ends=3, **kwargs):
    today = timezone.localdate()
    args = {
        "actor": actor or people["absent"],
        "principal": people["absent"],
        "delegate": people["colleague"],
        "role": Role.FINANCE,
        "starts_on": today + dt.timedelta(days=starts),
        "ends_on": today + dt.timedelta(days=ends),
    }
    args.update(kwargs)
    return services.delegation_create(**args)


def _field_errors(excinfo):
    return set(excinfo.value.error_dict)


def test_bad_delegations_are_field_errors(people):
    _delegate(people)
    cases = [
        ({"delegate": people["absent"]}, "delegate"),  # to oneself
        ({"delegate": people["stranger"]}, "delegate"),  # another hall
        ({"starts": 2, "ends": 5}, "starts_on"),  # overlaps the first
        ({"starts": 10, "ends": 9}, "ends_on"),  # ends before it starts
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as excinfo:
            _delegate(people, **kwargs)
        assert field in _field_errors(excinfo), kwargs


def test_only_the_person_or_the_hall_admin_sets_it(people, leader):
    with pytest.raises(PermissionDenied):
        _delegate(people, actor=leader)
    delegation = _delegate(people, actor=people["admin"])
    entry = AuditEntry.objects.get(action="delegation.create")
    assert entry.actor == people["admin"] and entry.target_id == str(delegation.pk)


def test_the_delegate_signs_for_the_absent_and_both_names_are_kept(
    people, teller, window, reviewer, leader, test_types
):
    (case_id,) = awaiting_signoff(
        n=1, teller=teller, window=window, reviewer=reviewer, business_type=test_types.limited
    )
    delegation = _delegate(people)
    services.case_sign(actor=leader, case_id=case_id, seen_state=None)

    services.signoff_sign_batch(actor=people["colleague"], case_ids=[case_id])

    signature = Signature.objects.get(case_id=case_id, role="finance")
    assert signature.signer == people["colleague"]
    assert signature.acting_for == people["absent"]
    assert signature.signed_by == "张三 代 王财务"
    entry = AuditEntry.objects.filter(action="case.sign").latest("pk")
    assert entry.after["delegation"] == delegation.pk and entry.after["signer"] == "张三 代 王财务"
    assert Case.objects.get(pk=case_id).state == CaseState.APPROVED


def test_an_expired_or_ended_delegation_signs_nothing(people, teller, window, reviewer, test_types):
    ids = awaiting_signoff(
        n=2, teller=teller, window=window, reviewer=reviewer, business_type=test_types.limited
    )
    _delegate(people, starts=-5, ends=-1)  # over yesterday
    colleague = type(people["colleague"]).objects.get(pk=people["colleague"].pk)
    result = services.signoff_sign_batch(actor=colleague, case_ids=[ids[0]])
    assert result.signed == [] and len(result.changed) == 1

    current = _delegate(people)
    services.delegation_end(actor=people["absent"], delegation_id=current.pk)
    colleague = type(colleague).objects.get(pk=colleague.pk)
    result = services.signoff_sign_batch(actor=colleague, case_ids=[ids[1]])

    assert result.signed == []
    assert not Signature.objects.exists()
    assert AuditEntry.objects.filter(action="delegation.end").count() == 1


def test_the_hall_admin_releases_a_reviewers_claims(people, submitted, reviewer):
    first, second = submitted(), submitted()
    services.case_take_next(actor=reviewer)
    services.case_take_next(actor=reviewer)

    released = services.release_reviewer_claims(actor=people["admin"], reviewer_id=reviewer.pk)

    assert sorted(released) == sorted([first.pk, second.pk])
    for case in Case.objects.filter(pk__in=released):
        assert case.state == CaseState.SUBMITTED and case.reviewer is None
        assert not reviewer.has_perm("counterhall.decide_case", case)
    entries = AuditEntry.objects.filter(action="case.release")
    assert entries.count() == 2 and {e.actor for e in entries} == {people["admin"]}


def test_only_the_hall_admin_releases_someone_elses_claims(submitted, reviewer, other_reviewer):
    submitted()
    services.case_take_next(actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.release_reviewer_claims(actor=other_reviewer, reviewer_id=reviewer.pk)


def test_the_page_sets_a_delegation_and_shows_field_errors(client, people):
    client.force_login(people["absent"])
    today = timezone.localdate()
    url = "/review/delegations/"
    form = {
        "principal": people["absent"].pk,
        "delegate": people["absent"].pk,
        "role": Role.FINANCE,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=2)).isoformat(),
    }

    response = client.post(url, form)
    assert response.status_code == 400
    assert "不能委托给自己" in response.content.decode()

    response = client.post(url, {**form, "delegate": people["colleague"].pk})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "生效中" in html and "张三" in html


def test_the_admin_releases_claims_from_the_page(client, people, submitted, reviewer):
    submitted()
    services.case_take_next(actor=reviewer)
    client.force_login(people["admin"])

    html = client.get("/review/delegations/").content.decode()
    assert f'data-reviewer="{reviewer.username}"' in html
    client.post("/review/delegations/", {"release": reviewer.pk})

    assert not Case.objects.filter(state=CaseState.IN_REVIEW).exists()
