import pytest

from counterhall import demo
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_teller1_logs_in_and_sees_home_in_chinese(live_server, new_page):
    demo.seed()
    page = new_page()

    login(page, live_server.url, "teller1", demo.DEMO_PASSWORD)

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "您好" in page.inner_text("h1")
    assert "汪清县社会保险事业管理局" in page.inner_text("header")
    assert "我的在办业务" in page.content()
