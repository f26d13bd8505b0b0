"""The teller's work list: every open case with its live internal status; returned cases show
their reasons and go back with one resubmit (counted); approved cases are completed."""

from django.urls import reverse

from counterhall.models import CaseState
from review import services as review_services
from review.services import case_take_next


def test_worklist_shows_live_status(client, submitted, teller, reviewer):
    queued, claimed = submitted(), submitted()
    case_take_next(actor=reviewer)  # takes ``queued`` (older)
    client.force_login(teller)

    html = client.get(reverse("case-worklist")).content.decode()

    assert 'hx-trigger="every 5s"' in html
    row = html[html.index(f'data-case="{queued.number}"') :]
    assert f"{reviewer.get_full_name()} 复核中" in row.split("</tr>")[0]
    row = html[html.index(f'data-case="{claimed.number}"') :]
    assert "排队待复核" in row.split("</tr>")[0]
    assert 'id="worklist"' in client.get(reverse("home")).content.decode()


def test_returned_case_shows_reasons_and_one_resubmit_counts_a_round_trip(
    client, submitted, teller, reviewer
):
    case = submitted()
    case_take_next(actor=reviewer)
    review_services.case_return(
        actor=reviewer, case_id=case.pk, seen_state=None, reasons=["身份信息与证件不符"]
    )
    client.force_login(teller)

    assert "身份信息与证件不符" in client.get(reverse("case-worklist")).content.decode()
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert detail.index('id="return-reasons"') < detail.index('id="actions"')
    assert detail.count('data-action="resubmit"') == 1

    client.post(
        reverse("case-action", args=[case.pk, "resubmit"]), {"seen_state": CaseState.RETURNED}
    )

    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.round_trips == 1
    assert "退回重交 1 次" in client.get(reverse("case-worklist")).content.decode()


def test_teller_completes_an_approved_case_which_applies_it(
    client, submitted, teller, reviewer, test_types
):
    case = submitted()
    case_take_next(actor=reviewer)
    review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    client.force_login(teller)
    assert "已核准，待办结" in client.get(reverse("case-worklist")).content.decode()

    client.post(
        reverse("case-action", args=[case.pk, "complete"]), {"seen_state": CaseState.APPROVED}
    )

    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert [case.pk] == test_types.applied
    assert case.number not in client.get(reverse("case-worklist")).content.decode()
