"""Two scans of one case at once (the counter's scanner and its camera, two tabs): both are
kept, each batch in order, numbered without gaps — the case's row lock serialises them."""

import pytest

from counterhall import services
from counterhall.models import AuditEntry, DocumentPage
from tests import factories
from tests.casefile import files
from tests.threads import in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_batches_at_once_are_both_kept_in_order(reference_data, test_types, teller, window):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)

    def scan(i):
        uploads = [files.jpeg(f"t{i}-{n}.jpg", colour=(i * 100, n * 40, 0)) for n in range(4)]
        return [
            p.pk
            for p in services.case_pages_add(
                actor=teller, case_id=case.pk, document_code="id", files=uploads
            )
        ]

    results, errors = in_threads(2, scan)
    assert errors == []
    rows = list(DocumentPage.objects.filter(case=case).order_by("number"))
    assert [p.number for p in rows] == list(range(1, 9))
    batches = [
        [p.original_name.split("-")[0] for p in rows[:4]],
        [p.original_name.split("-")[0] for p in rows[4:]],
    ]
    assert {tuple(set(b)) for b in batches} == {("t0",), ("t1",)}  # each batch together
    for batch in batches:
        names = [p.original_name for p in rows if p.original_name.startswith(batch[0])]
        assert names == sorted(names)  # and in the order it was given
    assert sorted(pk for r in results for pk in r) == sorted(p.pk for p in rows)
    assert AuditEntry.objects.filter(action="page.add", target_id=str(case.pk)).count() == 8
