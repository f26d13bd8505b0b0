"""On PostgreSQL the search by part of a name or number reads trigram indexes (migrations
counterhall 0020 and 0021, registration 0007), not every row: checked on the plan with sequential
scans off, so the answer does not depend on the tiny test tables' statistics. (A text of
fewer than three characters, e.g. a two-character name, has no trigram: it is read from the
hall's cases in date order, as before.)"""

import pytest
from django.db import connection

from counterhall.models import Case
from registration.models import Employer, InsuredPerson

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (
            lambda: Case.objects.filter(applicant_name__icontains="张三丰"),
            "case_applicant_trgm_idx",
        ),
        (lambda: Case.objects.filter(number__icontains="0001"), "case_number_trgm_idx"),
        (lambda: Employer.objects.filter(name__icontains="汪清县"), "employer_name_trgm_idx"),
        (lambda: InsuredPerson.objects.filter(name__icontains="张三丰"), "person_name_trgm_idx"),
    ],
)
def test_icontains_uses_the_trigram_index(postgres_only, queryset, index):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset().explain()
    assert index in plan, plan


def test_the_audit_desks_subject_filter_reads_indexes_not_the_whole_log(
    postgres_only, teller, window, test_types
):
    """The subject: part of an entry's label (trigram index, migration counterhall 0021) or
    the entries of the subject's cases (the target index), read together — not the log
    walked backwards until 51 rows match (0.4 s at a million entries, docs/benchmarks.md).
    Once the log is partitioned (tests/counterhall/test_audit_partition.py may have run in
    this database), each partition's copy of the index is read."""
    import re

    from counterhall.auditlog import filter_entries
    from counterhall.models import AuditEntry
    from tests import factories

    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    Case.objects.filter(pk=case.pk).update(applicant_name="办事人4321")
    with connection.cursor() as cursor:
        # on a tiny log the planner may walk the (at) index as cheaply: with plain index
        # scans off too, what is left shows whether the filter CAN be read from indexes
        # (the walk it did before at a million entries: bench/audit_desk.py)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = filter_entries(AuditEntry.objects.all(), subject="办事人4321").explain()
    assert re.search(r"audit_label_trgm_idx|auditentry\w*upper\w*idx", plan), plan
    assert "audit_target_idx" in plan or "target_type_target_id" in plan, plan
    # the subject's cases by id in the index condition, not every case entry rechecked
    # against a subquery
    assert re.search(r"Index Cond: .*target_id", plan), plan


def test_the_trigram_index_builds_on_a_partitioned_table_too(postgres_only, django_db_blocker):
    """CONCURRENTLY on a plain table; on a partitioned one (a converted audit log)
    PostgreSQL refuses the keyword and builds the index on each partition."""
    from counterhall.migration_ops import TrigramIndexOnPostgres

    def exists(name: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t_parted (at date, label text) PARTITION BY RANGE (at)")
        cursor.execute(
            "CREATE TABLE t_parted_2026 PARTITION OF t_parted "
            "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
        )
    op = TrigramIndexOnPostgres("t_parted", "label", "t_parted_trgm")
    with connection.schema_editor(atomic=False) as editor:
        op.database_forwards("counterhall", editor, None, None)
    assert exists("t_parted_trgm")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 't_parted_2026'")
        assert cursor.fetchone()[0] == 1  # the partition's own copy
    with connection.schema_editor(atomic=False) as editor:
        op.database_backwards("counterhall", editor, None, None)
    assert not exists("t_parted_trgm")
