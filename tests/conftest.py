import datetime as dt
import importlib
import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from counterhall import registry
from counterhall.roles import Role
from tests import factories, handlers
from tests.clock import HALL_TZ, clock_moment

os.environ.setdefault("COUNTERHALL_TESTING", "1")

CLOCK = pytest.StashKey[object]()


def pytest_configure(config):
    """``COUNTERHALL_TEST_CLOCK=00:30 make test`` runs the whole suite with the clock at
    00:30 Asia/Shanghai today (16:30 UTC the day before: the local and the UTC date differ),
    ticking from there, so a UTC date used where the hall's date belongs fails a test.

    The moment is resolved once and written back as a full ISO datetime, so pytest-xdist
    workers (which inherit the environment) travel to the same moment. Only Python's clock
    moves: PostgreSQL's ``now()`` and the browser's clock do not. The code reads neither for a
    date today, but so that a database- or browser-side date can never hide in a shifted
    run, CI runs the shifted suites on SQLite and without the e2e journeys (``-m "not e2e"``,
    which also keeps each shifted run to about a minute and a half).
    """
    value = os.environ.get("COUNTERHALL_TEST_CLOCK", "").strip()
    if not value:
        return
    import time_machine

    today = dt.datetime.now(HALL_TZ).date()
    moment = clock_moment(value, today=today)
    os.environ["COUNTERHALL_TEST_CLOCK"] = moment.isoformat()
    config.stash[CLOCK] = time_machine.travel(moment, tick=True)
    config.stash[CLOCK].start()


def pytest_unconfigure(config):
    if CLOCK in config.stash:
        config.stash[CLOCK].stop()
        del config.stash[CLOCK]


def pytest_report_header(config):
    if CLOCK in config.stash:
        return f"clock shifted: COUNTERHALL_TEST_CLOCK={os.environ['COUNTERHALL_TEST_CLOCK']}"
    return None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, test in a file, not in memory.

    An in-memory test database is one connection, which pytest-django hands to every
    thread of the live server and to the test itself; two requests at once (an htmx
    preview while a form posts) then use it concurrently and SQLite fails with "bad
    parameter or other API misuse". In a file each thread has its own connection, as on
    PostgreSQL, and SQLite's own locking (IMMEDIATE transactions, see settings) applies.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(tempfile.gettempdir()) / f"counterhall-test-{os.getpid()}.sqlite3"
        db.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_reference_data():
    """Reload what the data migrations put in (roles, catalogue, parameters, calendar).

    Transactional tests end with a flush that empties every table, data-migration rows
    included; the tests that need them after such a flush ask for ``reference_data``.
    """
    from django.apps import apps

    for name in (
        "counterhall.migrations.0002_catalogue",
        "counterhall.migrations.0003_parameters_calendar",
        "counterhall.migrations.0012_visits",
        "counterhall.migrations.0013_bundles",
        "counterhall.migrations.0014_ascii_region",
        "counterhall.migrations.0016_baselines",
        "contributions.migrations.0002_flexible_base_levels",
        "contributions.migrations.0003_backpay_max_months",
        "benefits.migrations.0001_parameters",
        "benefits.migrations.0003_deemed_index",
        "benefits.migrations.0004_claim_window",
    ):
        importlib.import_module(name).load(apps, None)


@pytest.fixture
def reference_data(transactional_db):
    load_reference_data()


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (row locks / SKIP LOCKED / triggers); set DATABASE_URL=postgres://…"
        )


@pytest.fixture
def test_types(db):
    """Throw-away business types with the test handler: general immediate, general
    time-limited with sign-off, and special; ``applied`` lists the cases whose effect ran."""
    types = SimpleNamespace(
        general=factories.business_type("TST01"),
        limited=factories.business_type("TST02", limit_days=5, signoff=["leader", "finance"]),
        special=factories.business_type("TST03", special=True, limit_days=10, signoff=["leader"]),
        deferrable=factories.business_type("TST04", documents=("form", "contract")),
        applied=[],
    )
    for code in ("TST01", "TST02", "TST03", "TST04"):
        registry.register(handlers.handler(code, applied=types.applied))
    yield types
    for code in ("TST01", "TST02", "TST03", "TST04"):
        registry.unregister(code)


@pytest.fixture
def hall(db):
    return factories.HallFactory(code="TS", name="测试大厅")


@pytest.fixture
def window(hall):
    return factories.WindowFactory(hall=hall, number=1)


@pytest.fixture
def other_window(hall):
    return factories.WindowFactory(hall=hall, number=2)


@pytest.fixture
def special_window(hall):
    return factories.WindowFactory(hall=hall, number=9, kind="special")


@pytest.fixture
def teller(hall, window):
    return factories.UserFactory(username="t1", roles=[Role.TELLER], hall=hall, windows=[window])


@pytest.fixture
def other_teller(hall, other_window):
    return factories.UserFactory(
        username="t2", roles=[Role.TELLER], hall=hall, windows=[other_window]
    )


@pytest.fixture
def special_clerk(hall, special_window):
    return factories.UserFactory(
        username="s1", roles=[Role.SPECIAL_CLERK], hall=hall, windows=[special_window]
    )


@pytest.fixture
def reviewer(hall):
    return factories.UserFactory(
        username="r1", roles=[Role.REVIEWER], hall=hall, special_review=True
    )


@pytest.fixture
def other_reviewer(hall):
    return factories.UserFactory(username="r2", roles=[Role.REVIEWER], hall=hall)


@pytest.fixture
def leader(hall):
    return factories.UserFactory(username="l1", roles=[Role.LEADER], hall=hall)


@pytest.fixture
def finance(hall):
    return factories.UserFactory(username="f1", roles=[Role.FINANCE], hall=hall)


@pytest.fixture
def auditor(hall):
    return factories.UserFactory(username="a1", roles=[Role.AUDITOR], hall=hall)


@pytest.fixture(autouse=True)
def _casefile_storage(settings, tmp_path):
    """The case file's pages go to a directory of the test's own, never the checkout's."""
    settings.STORAGES = {
        **settings.STORAGES,
        "casefile": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "casefile")},
        },
    }
