"""The admin's lists over the big tables (cases, the audit log, persons, contributions…)
answer in a fixed number of queries whatever the table's size: a bounded count, no second
count, no list filter that reads the table, no date hierarchy, an indexed order."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.filters import AllValuesFieldListFilter, RelatedFieldListFilter
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counterhall.admin import BigTableAdmin, BoundedCountPaginator
from counterhall.models import AuditEntry, BusinessType, Case, Hall, Window
from registration.models import InsuredPerson
from tests import factories
from tests.counterhall.test_audit_desk import bulk_entries
from tests.counterhall.test_case_list import bulk_cases, still_clock  # noqa: F401 (fixture)

# Past the admin's count cap (10,000), so the larger size is counted only that far.
MANY = 30_000 if connection.vendor == "postgresql" else 12_000
# The tables a province fills (design.md "Data and running"): their admins are BigTableAdmin.
BIG_TABLES = [
    "counterhall.case",
    "counterhall.auditentry",
    "counterhall.auditseal",
    "counterhall.documentpage",
    "counterhall.bundleintake",
    "registration.employer",
    "registration.insuredperson",
    "registration.employment",
    "registration.enrollment",
    "registration.flexibleworker",
    "contributions.declaredbase",
    "contributions.assessmentbill",
    "contributions.contribution",
    "contributions.accountentry",
    "contributions.refund",
    "contributions.creditedmonth",
]
# Small tables a related-field filter may list in full.
SMALL_TABLES = {Hall, BusinessType, Window}


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def changelist_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response


def model_admin(label):
    from django.apps import apps

    return admin.site.get_model_admin(apps.get_model(label))


@pytest.mark.parametrize("label", BIG_TABLES)
def test_every_big_table_admin_counts_boundedly_and_filters_without_reading_the_table(
    label, rf: RequestFactory, superuser
):
    model_admin_ = model_admin(label)
    assert isinstance(model_admin_, BigTableAdmin)
    assert model_admin_.paginator is BoundedCountPaginator
    assert model_admin_.show_full_result_count is False
    assert not model_admin_.date_hierarchy
    request = rf.get("/")
    request.user = superuser
    changelist = model_admin_.get_changelist_instance(request)
    for spec in changelist.filter_specs:
        assert not isinstance(spec, AllValuesFieldListFilter), (label, spec.title)
        if isinstance(spec, RelatedFieldListFilter):
            assert spec.field.related_model in SMALL_TABLES, (label, spec.title)
    for search in model_admin_.search_fields:
        assert "__" in search, f"{label}: {search} would be icontains over every row"


@pytest.mark.usefixtures("still_clock")
def test_admin_case_list_answers_in_the_same_queries_at_10_and_many_cases(
    admin_client, teller, window, test_types
):
    url = "/admin/counterhall/case/"
    bulk_cases(10, teller=teller, window=window, business_type=test_types.general)
    admin_client.get(url)  # session warm
    few, response = changelist_queries(admin_client, url)
    assert response.context["cl"].result_count == 10

    bulk_cases(MANY - 10, teller=teller, window=window, business_type=test_types.general, start=10)
    many, response = changelist_queries(admin_client, url)
    filtered, _ = changelist_queries(admin_client, url, state="draft", since="today")
    searched, found = changelist_queries(admin_client, url, q="BK-0000001")

    assert len(few) == len(many) == len(filtered) == len(searched)
    page = response.content.decode()
    assert "10000+" in page
    assert '?p=100"' in page and '?p=101"' not in page  # up to the cap, no deeper OFFSET
    counts = [sql for sql in many if "COUNT(" in sql.upper()]
    assert len(counts) == 1 and "LIMIT 10001" in counts[0]
    assert "ORDER BY" not in counts[0].upper()
    # the prefix search of the number: BK-00000010 … BK-00000019
    assert found.context["cl"].result_count == 10


@pytest.mark.usefixtures("still_clock")
def test_admin_audit_list_answers_in_the_same_queries_at_10_and_many_entries(
    admin_client, hall, teller
):
    url = "/admin/counterhall/auditentry/"
    bulk_entries(10, hall=hall, actor=teller)
    admin_client.get(url)
    few, _ = changelist_queries(admin_client, url)

    bulk_entries(MANY - 10, hall=hall, actor=teller, start=10)
    bulk_entries(5, hall=hall, actor=teller, action="case.claim", start=MANY)
    many, response = changelist_queries(admin_client, url)
    by_action, claims = changelist_queries(admin_client, url, action="case.claim")
    today, _ = changelist_queries(admin_client, url, since="7d")

    assert len(few) == len(many) == len(by_action) == len(today)
    assert not [sql for sql in many if "DISTINCT" in sql.upper()]
    assert "10000+" in response.content.decode()
    assert len(claims.context["cl"].result_list) == 5
    choices = [
        c["display"] for c in claims.context["cl"].filter_specs[0].choices(claims.context["cl"])
    ]
    assert any("case.claim" in str(c) for c in choices)  # the known list, no DISTINCT


def test_recent_filter_uses_the_halls_local_days(admin_client, hall, teller):
    now = timezone.now()
    bulk_entries(1, hall=hall, actor=teller)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                at=now - dt.timedelta(days=40),
                actor_name="x",
                hall=hall,
                action="case.submit",
                digest="0" * 64,
            )
        ]
    )
    url = "/admin/counterhall/auditentry/"
    submits = {"action": "case.submit"}
    assert len(admin_client.get(url, {"since": "30d", **submits}).context["cl"].result_list) == 1
    assert len(admin_client.get(url, submits).context["cl"].result_list) == 2


@pytest.mark.usefixtures("still_clock")
def test_admin_person_list_answers_in_the_same_queries_at_10_and_many_persons(admin_client):
    url = "/admin/registration/insuredperson/"

    def persons(count, start=0):
        InsuredPerson.objects.bulk_create(
            [
                InsuredPerson(
                    id_number=f"{start + i:018d}",
                    name=f"人员{start + i}",
                    sex="male",
                    birth_date=dt.date(1970, 1, 1),
                    region="222424",
                )
                for i in range(count)
            ],
            batch_size=5000,
        )

    persons(10)
    admin_client.get(url)
    few, _ = changelist_queries(admin_client, url)
    persons(MANY - 10, start=10)
    many, response = changelist_queries(admin_client, url)
    searched, found = changelist_queries(admin_client, url, q="人员42")

    assert len(few) == len(many) == len(searched)
    assert "10000+" in response.content.decode()
    assert [p.name for p in found.context["cl"].result_list] == ["人员42"]


def test_a_count_under_the_cap_is_exact(admin_client, teller, window, test_types):
    bulk_cases(7, teller=teller, window=window, business_type=test_types.general)
    response = admin_client.get("/admin/counterhall/case/")
    assert response.context["cl"].result_count == 7
    assert not response.context["cl"].paginator.capped
    assert Case.objects.count() == 7
