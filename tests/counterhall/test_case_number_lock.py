"""A case number's sequence row stays locked until the intake commits, and every other
intake of the hall waits for it (counterhall.numbering): case_open takes the number after
every check, so the lock is held only for the writes (measured: bench/load.py, where 18
tellers open cases at once)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counterhall import services

pytestmark = pytest.mark.django_db


def test_the_number_is_taken_after_the_checks(teller, window, test_types):
    with CaptureQueriesContext(connection) as ctx:
        case = services.case_open(
            actor=teller, window=window, business_type=test_types.general, applicant_name="张三"
        )
    sql = [q["sql"] for q in ctx.captured_queries]
    numbered = next(i for i, q in enumerate(sql) if "counterhall_casesequence" in q)
    after = [q for q in sql[numbered + 1 :] if not q.startswith(("SAVEPOINT", "RELEASE"))]
    assert after, "the case is written after its number"
    reads = [q for q in after if q.startswith("SELECT")]
    # no check reads while it is locked (they were five: the four references and the
    # number's uniqueness); only the writes and the look for the visit being served
    assert all('FROM "counterhall_visit"' in q for q in reads), reads
    assert sum(q.startswith("INSERT") for q in after) >= 2  # the case and its audit entry
    assert case.number.endswith("-0001")
