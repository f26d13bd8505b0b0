"""Swagger UI at /api/v1/docs/ renders from the vendored assets (drf-spectacular-sidecar)
with the network cut off: any request that leaves the live server is refused."""

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_offline(live_server, new_page, tmp_path):
    page = new_page()
    own = urlparse(live_server.url).netloc
    outside = []

    def only_the_hall(route):
        if urlparse(route.request.url).netloc == own:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_hall)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert "counterhall API" in page.inner_text(".swagger-ui .info")
    assert page.locator(".opblock-summary-path", has_text="/api/v1/cases/").count() >= 1
    page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)
    assert outside == [] and errors == []
