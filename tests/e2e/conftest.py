"""Browser journeys: Playwright driving Debian's chromium (/usr/bin/chromium)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("COUNTERHALL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no browser at {CHROMIUM}: install Debian's chromium package to run browser journeys"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    # Live fragments poll every 5 s, which is also expect()'s default wait: give assertions
    # on live content three polls, so a loaded machine does not race the poll.
    sync_api.expect.set_options(timeout=15_000)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-features=Translate",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db, reference_data):
    """The live server reads through its own connection, so journeys use a real
    (transactional) database with the reference data reloaded after earlier flushes."""


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(locale="en-US"):
        context = browser.new_context(locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, base_url, username, password):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
