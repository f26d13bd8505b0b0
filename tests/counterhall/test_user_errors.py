"""One helper turns a refused act into the sentence the user reads (counterhall.web)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from counterhall.exceptions import STALE_CASE_MESSAGE, StaleCase, TransitionNotPossible
from counterhall.permissions import DENIED_NOT_CLAIMANT, DENIED_NOT_OWN_CASE
from counterhall.web import user_errors


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    return request


def _said(request):
    return [str(m) for m in get_messages(request)]


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (ValidationError({"reasons": ["请填写原因。"]}), ["请填写原因。"]),
        (ValidationError(["一", "二"]), ["一", "二"]),
        (StaleCase(), [str(STALE_CASE_MESSAGE)]),
        (TransitionNotPossible("要件不齐。"), ["要件不齐。"]),
        (PermissionDenied("您没有在此窗口办理业务的授权。"), ["您没有在此窗口办理业务的授权。"]),
        (PermissionDenied(), [str(DENIED_NOT_OWN_CASE)]),
    ],
)
def test_refusals_become_messages(request_, error, said):
    with user_errors(request_) as outcome:
        raise error
    assert not outcome.ok
    assert _said(request_) == said


def test_the_sentence_for_a_bare_refusal_can_be_chosen(request_):
    with user_errors(request_, denied=DENIED_NOT_CLAIMANT):
        raise PermissionDenied
    assert _said(request_) == [str(DENIED_NOT_CLAIMANT)]


def test_success_reports_nothing(request_):
    with user_errors(request_) as outcome:
        pass
    assert outcome.ok and _said(request_) == []


def test_with_a_form_the_sentences_go_on_the_form(request_):
    class Form(forms.Form):
        name = forms.CharField()

    form = Form({"name": "x"})
    assert form.is_valid()
    with user_errors(request_, form=form):
        raise ValidationError({"name": ["名称有误。"], "other": ["别的问题。"]})
    with user_errors(request_, form=form):
        raise StaleCase()
    assert form.errors["name"] == ["名称有误。"]
    assert form.non_field_errors() == ["别的问题。", str(STALE_CASE_MESSAGE)]
    assert _said(request_) == []


def test_other_errors_propagate(request_):
    with pytest.raises(KeyError), user_errors(request_):
        raise KeyError("bug")
