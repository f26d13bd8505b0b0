"""The sign-off page for leaders and finance: cases grouped by business type with key
figures and totals, next-session marking after the hall's sign-off time (local time), the
batch signed in one confirmation with exclusions, and the printable batch sheet."""

import datetime as dt
import json
from urllib.parse import parse_qs, urlparse

from django.urls import reverse
from django.utils import timezone

from counterhall import audit
from counterhall.models import Case, CaseState, Signature
from review import services
from review.selectors import session_cutoff
from tests.review.test_signoff_batch import awaiting_signoff


def _batch(n, teller, window, reviewer, test_types):
    ids = awaiting_signoff(
        n=n, teller=teller, window=window, reviewer=reviewer, business_type=test_types.limited
    )
    Case.objects.filter(pk__in=ids).update(
        figures={"summary": [["refund_amount", "80.00"], ["month_count", 3]]},
        decision_note="金额核对无误",
        # before today's sign-off time whatever the clock says (this session's cases)
        decided_at=session_cutoff(window.hall) - dt.timedelta(minutes=1),
    )
    return ids


def _form(ids, **extra):
    data = {"case": [str(pk) for pk in ids], "confirm": "1"}
    data.update(extra)
    return data


def test_page_groups_cases_with_figures_and_totals(
    client, teller, window, reviewer, leader, test_types
):
    ids = _batch(3, teller, window, reviewer, test_types)
    client.force_login(leader)

    html = client.get(reverse("review:signoff")).content.decode()

    assert 'data-type="TST02"' in html
    assert html.count('name="case"') == 3
    assert "240.00" in html  # 3 × 80.00
    assert "金额核对无误" in html  # the reviewer's note
    number = Case.objects.get(pk=ids[0]).number
    assert f'data-case="{number}"' in html


def test_cases_after_the_hall_signoff_time_are_the_next_session(
    client, teller, window, reviewer, leader, test_types, hall
):
    ids = _batch(2, teller, window, reviewer, test_types)
    hall.signoff_time = dt.time(16, 0)
    hall.save()
    today = timezone.localdate()
    # 15:59 and 16:01 hall time (Asia/Shanghai), i.e. 07:59 and 08:01 UTC
    before = timezone.make_aware(dt.datetime.combine(today, dt.time(15, 59)))
    after = timezone.make_aware(dt.datetime.combine(today, dt.time(16, 1)))
    Case.objects.filter(pk=ids[0]).update(decided_at=before)
    Case.objects.filter(pk=ids[1]).update(decided_at=after)
    client.force_login(leader)

    html = client.get(reverse("review:signoff")).content.decode()

    this, later = html.split('id="next-session"')
    assert Case.objects.get(pk=ids[0]).number in this
    assert Case.objects.get(pk=ids[1]).number in later
    assert Case.objects.get(pk=ids[1]).number not in this


def test_signing_the_batch_with_an_exclusion_then_the_sheet(
    client, teller, window, reviewer, leader, test_types
):
    ids = _batch(3, teller, window, reviewer, test_types)
    client.force_login(leader)

    response = client.post(
        reverse("review:signoff"),
        _form(ids, **{f"exclude_{ids[1]}": "1", f"reason_{ids[1]}": "收款账户待核实"}),
    )

    assert response.status_code == 302
    held = Case.objects.get(pk=ids[1])
    assert held.state == CaseState.RETURNED and held.return_reasons == ["收款账户待核实"]
    assert Signature.objects.filter(signer=leader).count() == 2
    audit.seal(settle_seconds=-60)  # the seal run after the batch
    sheet = client.get(response.url).content.decode()
    assert "l1" in sheet or leader.get_full_name() in sheet
    assert "160.00" in sheet  # the two signed
    assert "收款账户待核实" in sheet
    from counterhall.models import AuditSeal

    assert AuditSeal.objects.latest("last_entry_id").digest in sheet
    at = dt.datetime.fromisoformat(parse_qs(urlparse(response.url).query)["at"][0])
    assert timezone.localtime(at).strftime("%Y-%m-%d %H:%M") in sheet  # hall time


def test_an_exclusion_without_a_reason_is_refused(
    client, teller, window, reviewer, leader, test_types
):
    ids = _batch(2, teller, window, reviewer, test_types)
    client.force_login(leader)

    response = client.post(reverse("review:signoff"), _form(ids, **{f"exclude_{ids[0]}": "1"}))

    assert response.status_code == 302
    assert not Signature.objects.exists()
    html = client.get(response.url).content.decode()
    assert "排除签批的业务必须填写原因" in html


def test_a_case_another_signer_just_signed_is_reported_and_the_rest_signed(
    client, teller, window, reviewer, leader, test_types, hall
):
    from counterhall.roles import Role
    from tests import factories

    ids = _batch(2, teller, window, reviewer, test_types)
    other = factories.UserFactory(username="l2", roles=[Role.LEADER], hall=hall)
    services.case_sign(actor=other, case_id=ids[0], seen_state=None)
    client.force_login(leader)

    response = client.post(reverse("review:signoff"), _form(ids), follow=True)

    html = response.content.decode()
    assert Case.objects.get(pk=ids[0]).number in html and "已被他人处理" in html
    assert Signature.objects.filter(signer=leader).count() == 1


def test_the_sheet_prints_the_exported_seal_head(
    client,
    teller,
    window,
    reviewer,
    leader,
    test_types,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.AUDIT_EXPORT_PATH = str(tmp_path / "heads.jsonl")
    ids = _batch(2, teller, window, reviewer, test_types)
    client.force_login(leader)
    response = client.post(reverse("review:signoff"), _form(ids))
    with django_capture_on_commit_callbacks(execute=True):
        seal = audit.seal(settle_seconds=-60)
    sheet = client.get(response.url).content.decode()
    head = json.loads((tmp_path / "heads.jsonl").read_text().splitlines()[-1])
    assert head["digest"] == seal.digest and seal.digest in sheet
    assert f"链位置 {seal.last_seq}" in sheet and "已导出" in sheet
