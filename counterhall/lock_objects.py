"""Row locks, taken in one place so the lock order stays consistent (Saleor's habit).

On SQLite select_for_update is a no-op; the IMMEDIATE transaction mode in settings and
ConcurrentTransitionMixin still prevent lost updates there.
"""

from counterhall.models import Case


def lock_case(case_id: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("business_type", "window", "hall", "teller")
        .get(pk=case_id)
    )
