"""The read-replica router: with COUNTERHALL_READ_REPLICA set, reads of the audit log and its
seals go to the replica alias; other reads, every write, and reads inside a transaction on
default stay on default. The suite's "replica" alias is a test mirror of default."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from counterhall import audit
from counterhall.models import AuditEntry, AuditSeal, Case, Hall

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings):
    settings.COUNTERHALL_READ_REPLICA = "replica"


def test_without_a_replica_everything_reads_default():
    assert AuditEntry.objects.all().db == "default"
    assert AuditSeal.objects.all().db == "default"


@pytest.mark.usefixtures("replica_on")
def test_audit_reads_go_to_the_replica_and_the_rest_to_default():
    assert AuditEntry.objects.all().db == "replica"
    assert AuditSeal.objects.all().db == "replica"
    assert Case.objects.all().db == "default"
    assert Hall.objects.all().db == "default"


@pytest.mark.usefixtures("replica_on")
def test_writes_and_reads_in_a_transaction_stay_on_default():
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        audit.record(actor=None, action="audit.verify", note="x")
        with transaction.atomic():
            assert AuditEntry.objects.filter(action="audit.verify").db == "default"
    assert not on_replica.captured_queries
    assert any("INSERT" in q["sql"] for q in on_default.captured_queries)
    # outside a transaction the same read is sent to the replica connection
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert AuditEntry.objects.filter(action="audit.verify").count() == 1
    assert len(on_replica.captured_queries) == 1


@pytest.mark.usefixtures("replica_on")
def test_the_seal_reads_and_writes_default():
    audit.record(actor=None, action="audit.verify", note="x")
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        sealed = audit.seal(settle_seconds=0)
    assert sealed is not None
    assert not on_replica.captured_queries


@pytest.mark.usefixtures("replica_on")
def test_metrics_read_their_rollups_on_the_replica_and_the_rollup_writes_default(hall):
    """The efficiency figures read the rollups from the replica; the rollup writes them on
    default and builds a month from the day rows it has just written there, never from a
    replica that may lag."""
    import datetime as dt

    from django.utils import timezone

    from counterhall import metrics
    from counterhall.models import MetricDay

    assert MetricDay.objects.all().db == "replica"
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    first = month.replace(day=1)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        metrics.rollup(halls=[hall], start=first, end=month)
    # (the raw rows it rolls up may come from the replica: they were committed long ago)
    assert not any("counterhall_metricday" in q["sql"] for q in on_replica.captured_queries)
    assert MetricDay.objects.using("default").filter(period="month").exists()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        metrics.figures(halls=[hall], start=first, end=month)
    assert any("counterhall_metricday" in q["sql"] for q in on_replica.captured_queries)
