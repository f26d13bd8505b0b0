"""403, 404 and 500 pages are Chinese (English when chosen), in the hall's layout, with a way
home; a refusal shows the reason the server gives."""

from django.test import Client
from django.urls import reverse

from counterhall.models import Case
from tests import casework


def test_404_is_chinese_in_the_halls_layout(client, teller):
    client.force_login(teller)
    response = client.get(reverse("case-detail", args=[999999]))
    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-status="404"' in body and "未找到" in body
    assert 'class="topbar' in body and "返回首页" in body


def test_403_shows_the_reason(client, teller):
    client.force_login(teller)
    response = client.get(reverse("hall-tellers"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "只有大厅管理员可以查看和移交柜员的业务。" in body and "返回首页" in body


def test_error_pages_in_english_when_chosen(client, teller):
    client.force_login(teller)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("case-detail", args=[999999])).content.decode()
    assert "Not found" in body and "Back to the home page" in body


def test_500_is_chinese_in_the_halls_layout(teller, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Case.objects, "filter", broken, raising=False)
    client = Client(raise_request_exception=False)
    client.force_login(teller)
    response = client.get(reverse("case-list"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and 'class="topbar' in body


def test_in_english_business_types_and_documents_show_their_english_names(
    client, teller, window, test_types
):

    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(teller)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "test TST01" in body and "测试业务 TST01" not in body
