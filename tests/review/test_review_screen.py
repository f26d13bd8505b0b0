"""The review screen shows what the teller saw and takes the reviewer's decision: approve,
return with structured reasons, or release."""

from django.urls import reverse

from counterhall import permissions
from counterhall.models import AuditEntry, CaseState
from review.models import ReturnReason
from review.services import case_take_next


def _claimed(submitted, reviewer):
    case = submitted()
    case_take_next(actor=reviewer)
    case.refresh_from_db()
    return case


def test_screen_shows_everything_the_teller_saw(client, submitted, reviewer, return_reasons):
    case = _claimed(submitted, reviewer)
    client.force_login(reviewer)

    html = client.get(reverse("review:case", args=[case.pk])).content.decode()

    assert "要件 form — 已收" in html  # documents checklist
    assert "<dt>amount</dt><dd>100.00</dd>" in html  # application payload
    assert "<dt>double</dt><dd>200.00</dd>" in html  # frozen figures
    assert "提交复核" in html and "认领复核" in html  # history from the audit log
    assert 'id="approve-form"' in html
    assert "要件不全或复印件不清晰" in html  # the common reasons checklist


def test_figures_cite_the_parameter_versions(client, submitted, reviewer):
    case = _claimed(submitted, reviewer)
    case.figures = {
        "pension": "1234.50",
        "parameters": [
            {
                "key": "avg_wage",
                "region": "220000",
                "effective_from": "2025-01-01",
                "version": 7,
                "value": "8000",
            }
        ],
    }
    case.save()
    client.force_login(reviewer)

    html = client.get(reverse("review:case", args=[case.pk])).content.decode()

    assert "avg_wage" in html and "#7" in html and "2025-01-01" in html


def test_type_specific_reasons_are_offered(client, submitted, reviewer, test_types):
    case = _claimed(submitted, reviewer)
    ReturnReason.objects.create(business_type=test_types.general, code="x", text="金额与凭证不符")
    ReturnReason.objects.create(business_type=test_types.limited, code="y", text="别的业务的原因")
    client.force_login(reviewer)

    html = client.get(reverse("review:case", args=[case.pk])).content.decode()

    assert "金额与凭证不符" in html
    assert "别的业务的原因" not in html


def test_approve_through_the_page(client, submitted, reviewer):
    case = _claimed(submitted, reviewer)
    client.force_login(reviewer)

    response = client.post(
        reverse("review:decision", args=[case.pk, "approve"]),
        {"seen_state": CaseState.IN_REVIEW, "note": "材料齐全"},
    )

    assert response.url == reverse("review:queue")
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.decision_note == "材料齐全"
    assert not reviewer.has_perm(permissions.DECIDE_CASE, case)


def test_return_with_checked_reasons_and_free_text(client, submitted, reviewer, return_reasons):
    case = _claimed(submitted, reviewer)
    reason = ReturnReason.objects.get(business_type=None, code="form_error")
    client.force_login(reviewer)

    client.post(
        reverse("review:decision", args=[case.pk, "return"]),
        {
            "seen_state": CaseState.IN_REVIEW,
            "reasons": [reason.pk],
            "other": "金额多填一位\n",
            "note": "改后即可",
        },
    )

    case.refresh_from_db()
    assert case.state == CaseState.RETURNED
    assert case.return_reasons == ["申请表填写有误或漏填", "金额多填一位"]
    assert case.decision_note == "改后即可"
    entry = AuditEntry.objects.get(action="case.return", target_id=str(case.pk))
    assert entry.after["reasons"] == case.return_reasons


def test_return_without_a_reason_is_refused_at_the_field(client, submitted, reviewer):
    case = _claimed(submitted, reviewer)
    client.force_login(reviewer)

    response = client.post(
        reverse("review:decision", args=[case.pk, "return"]),
        {"seen_state": CaseState.IN_REVIEW, "other": "  "},
    )

    assert response.status_code == 400
    assert "请至少勾选一项退回原因" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_release_puts_it_back(client, submitted, reviewer):
    case = _claimed(submitted, reviewer)
    client.force_login(reviewer)

    client.post(
        reverse("review:decision", args=[case.pk, "release"]), {"seen_state": CaseState.IN_REVIEW}
    )

    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.reviewer is None


def test_another_reviewer_sees_no_decision_and_cannot_decide(
    client, submitted, reviewer, other_reviewer
):
    case = _claimed(submitted, reviewer)
    client.force_login(other_reviewer)

    html = client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'id="approve-form"' not in html
    response = client.post(
        reverse("review:decision", args=[case.pk, "approve"]),
        {"seen_state": CaseState.IN_REVIEW},
        follow=True,
    )

    assert str(permissions.DENIED_NOT_CLAIMANT) in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_stale_double_submit_is_a_message(client, submitted, reviewer):
    case = _claimed(submitted, reviewer)
    client.force_login(reviewer)
    url = reverse("review:decision", args=[case.pk, "approve"])
    client.post(url, {"seen_state": CaseState.IN_REVIEW})

    response = client.post(url, {"seen_state": CaseState.IN_REVIEW}, follow=True)

    assert response.status_code == 200
    assert "此业务已被他人处理" in response.content.decode()
    assert AuditEntry.objects.filter(action="case.approve", target_id=str(case.pk)).count() == 1


def test_case_workspace_links_reviewer_to_review_screen(client, submitted, reviewer, teller):
    case = _claimed(submitted, reviewer)
    client.force_login(reviewer)
    assert (
        reverse("review:case", args=[case.pk])
        in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    )
    client.force_login(teller)
    assert (
        reverse("review:case", args=[case.pk])
        not in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    )
