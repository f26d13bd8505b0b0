"""On PostgreSQL the search by part of a name or number reads trigram indexes (migrations
counterhall 0020, registration 0007), not every row: checked on the plan with sequential
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
