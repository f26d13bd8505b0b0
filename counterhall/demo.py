"""The demo hall (``manage.py seed_demo``). Business apps add their own demo master data and
cases with ``register(fn)`` in AppConfig.ready; each fn(hall, users) must be idempotent.

DEMO DATA: every demo account has the password below. Never load this into production.
"""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from guardian.shortcuts import assign_perm

from counterhall.models import BusinessType, Case, CaseState, Hall, StaffProfile, Window, WindowKind
from counterhall.permissions import WORK_AT_WINDOW
from counterhall.roles import Role

DEMO_PASSWORD = "counterhall-demo"  # noqa: S105  (demo data, printed by make run)
HALL = {
    "code": "WQ",
    "name": "汪清县社会保险事业管理局",
    "region": "222424",
    "address": "吉林省延边朝鲜族自治州汪清县",
    "phone": "0433-8000000（示例）",
}
GENERAL_WINDOWS = 6
SPECIAL_WINDOW = 7

# username, full name, roles, windows
USERS = [
    ("teller1", "李柜员", [Role.TELLER], [1]),
    ("teller2", "王柜员", [Role.TELLER], [2]),
    ("teller3", "张柜员", [Role.TELLER], [3]),
    ("special1", "赵专员", [Role.SPECIAL_CLERK], [SPECIAL_WINDOW]),
    ("reviewer1", "陈复核", [Role.REVIEWER], []),
    ("reviewer2", "刘复核", [Role.REVIEWER], []),
    ("leader1", "周局长", [Role.LEADER], []),
    ("finance1", "吴财务", [Role.FINANCE], []),
    ("auditor1", "郑稽核", [Role.AUDITOR], []),
    ("admin", "大厅管理员", [Role.HALL_ADMIN], []),
]

_builders: list[Callable] = []


def register(builder: Callable) -> Callable:
    if builder not in _builders:
        _builders.append(builder)
    return builder


def seed(*, business_data: bool = True, month: bool = False) -> dict:
    """The demo hall, its windows and staff; with ``business_data`` also every app's demo
    master data and cases (tests that need an empty queue pass False); with ``month`` also
    the month of history before today (``seed_month``; ``manage.py seed_demo`` asks for
    it, tests of today's journeys do not: its open cases wait in the queues)."""
    User = get_user_model()
    with transaction.atomic():
        hall, _ = Hall.objects.update_or_create(code=HALL["code"], defaults=HALL)
        windows = {}
        for number in range(1, GENERAL_WINDOWS + 1):
            windows[number], _ = Window.objects.get_or_create(
                hall=hall, number=number, defaults={"kind": WindowKind.GENERAL}
            )
        windows[SPECIAL_WINDOW], _ = Window.objects.get_or_create(
            hall=hall, number=SPECIAL_WINDOW, defaults={"kind": WindowKind.SPECIAL}
        )
        users = {}
        for username, full_name, roles, window_numbers in USERS:
            user, created = User.objects.get_or_create(username=username)
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.first_name = full_name
            user.is_staff = Role.HALL_ADMIN in roles
            user.is_superuser = Role.HALL_ADMIN in roles
            user.save()
            user.groups.set([Group.objects.get(name=r) for r in roles])
            StaffProfile.objects.update_or_create(user=user, defaults={"hall": hall})
            for number in window_numbers:
                assign_perm(WORK_AT_WINDOW, user, windows[number])
            users[username] = user
        users["reviewer1"].user_permissions.add(
            Permission.objects.get(
                codename="review_special_business", content_type__app_label="counterhall"
            )
        )
        for builder in _builders if business_data else []:
            builder(hall=hall, users=users)
        if month:
            seed_month(hall=hall, users=users)
    return {"hall": hall, "users": users, "windows": windows}


DEMO_MARK = "示例："


def demo_case(
    *,
    hall,
    users,
    code,
    label,
    data=None,
    received=True,
    until=CaseState.DRAFT,
    reasons=(),
    window=1,
):
    """One demo case taken by teller1 at ``window`` and driven to ``until`` through the real
    services (reviewer1, leader1, finance1). Idempotent: the case is found again by its
    applicant name (``示例：<label>``). The review acts are the registered case actions
    (counterhall.actions, filled by the review app): the core imports no app."""
    from counterhall import services as cases
    from counterhall.actions import get_action

    def act(slug, actor, **kwargs):
        action = get_action(slug)
        if action is None:
            raise LookupError(f"case action {slug!r} is not registered (is review installed?)")
        return action.service(actor=actor, case_id=case.pk, seen_state=None, **kwargs)

    marker = DEMO_MARK + label
    existing = Case.objects.filter(hall=hall, applicant_name=marker).first()
    if existing is not None:
        return existing
    teller, reviewer = users["teller1"], users["reviewer1"]
    window_obj = hall.windows.get(number=window)
    bt = BusinessType.objects.get(code=code)
    case = cases.case_open(actor=teller, window=window_obj, business_type=bt, applicant_name=marker)
    docs = [d.code for d in bt.documents.all()]
    if not received:
        cases.case_set_documents(actor=teller, case_id=case.pk, seen_state=None, received=docs[:1])
        if until == CaseState.AWAITING_DOCUMENTS:
            return cases.case_notify_missing(actor=teller, case_id=case.pk, seen_state=None)
    cases.case_set_documents(actor=teller, case_id=case.pk, seen_state=None, received=docs)
    if data is not None:
        case = cases.case_save_application(
            actor=teller, case_id=case.pk, seen_state=None, data=data
        )
    if until == CaseState.DRAFT:
        return case
    case = cases.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    if until == CaseState.SUBMITTED:
        return case
    case = act("claim", reviewer)
    if until == CaseState.IN_REVIEW:
        return case
    if until == CaseState.RETURNED:
        return act("return", reviewer, reasons=reasons)
    case = act("approve", reviewer)
    for signer in ("leader1", "finance1"):
        if case.state == CaseState.AWAITING_SIGNOFF and signer in users:
            if until == CaseState.AWAITING_SIGNOFF:
                return case
            case = act("sign", users[signer])
    if until == CaseState.APPROVED:
        return case
    return cases.case_complete(actor=teller, case_id=case.pk, seen_state=None)


@register
def seed_visits(*, hall, users) -> None:
    """Today's demo queue through the real services: two served visits at windows 2 and 3
    (rated 满意 and 不满意, the latter with its rectification item), three waiting tickets
    (one special). Window 1 (teller1) is left free for the walkthrough. Idempotent per day."""
    from django.utils import timezone

    from counterhall import visit_services as visits
    from counterhall.models import RatingGrade, Visit, VisitCategory

    today = timezone.localdate()
    if Visit.objects.filter(hall=hall, day=today, applicant_name__startswith=DEMO_MARK).exists():
        return
    guide = users["admin"]
    windows = {w.number: w for w in hall.windows.all()}
    for username, number, grade, reasons in (
        ("teller2", 2, RatingGrade.SATISFIED, []),
        ("teller3", 3, RatingGrade.DISSATISFIED, ["等候时间长"]),
    ):
        visits.visit_issue(
            actor=guide,
            hall=hall,
            category=VisitCategory.GENERAL,
            applicant_name=f"{DEMO_MARK}{username}",
        )
        visit = visits.visit_call(actor=users[username], window=windows[number])
        visits.visit_start(actor=users[username], visit_id=visit.pk)
        visits.visit_end(actor=users[username], visit_id=visit.pk)
        visits.visit_rate(visit_id=visit.pk, grade=grade, reasons=reasons)
    for category, name in (
        (VisitCategory.GENERAL, "等候一"),
        (VisitCategory.GENERAL, "等候二"),
        (VisitCategory.SPECIAL, "等候三"),
    ):
        visits.visit_issue(
            actor=guide, hall=hall, category=category, applicant_name=DEMO_MARK + name
        )


MONTH_DAYS = 30
MONTH_SEED = 20261


def month_setup(*, hall, users):
    """The demo hall as the generator sees it: tellers 1–3 at windows 1–3, the special
    clerk at window 7, both reviewers, the leader and finance officer signing."""
    from counterhall import synthetic

    windows = {w.number: w for w in hall.windows.all()}
    counters = []
    for username, _name, _roles, numbers in USERS:
        for number in numbers:
            user = users[username]
            counters.append(
                synthetic.Counter(
                    window_id=windows[number].pk,
                    number=number,
                    special=windows[number].is_special,
                    teller=synthetic.Person(user.pk, user.get_username()),
                )
            )

    def person(username):
        return synthetic.Person(users[username].pk, username)

    return synthetic.HallSetup(
        id=hall.pk,
        code=hall.code,
        windows=counters,
        reviewers=[person("reviewer1"), person("reviewer2")],
        signers={Role.LEADER.value: person("leader1"), Role.FINANCE.value: person("finance1")},
        guide=person("admin"),
        callback=person("admin"),
        signoff_time=hall.signoff_time,
    )


def business_types() -> list:
    """The catalogue's active types that have a handler, as the generator sees them."""
    from counterhall import registry, synthetic

    types = []
    for bt in BusinessType.objects.filter(active=True).prefetch_related("documents"):
        if not registry.has_handler(bt.code):
            continue
        types.append(
            synthetic.TypeInfo(
                id=bt.pk,
                code=bt.code,
                name=bt.name,
                special=bt.is_special,
                immediate=bt.completion_mode == "immediate",
                limit_days=bt.limit_days or 0,
                signoff_roles=tuple(bt.signoff_roles),
                documents=tuple(d.code for d in bt.documents.all()),
            )
        )
    return types


def write_batch(batch, *, key) -> None:
    """Write generated rows (``synthetic.insert_rows``, any database); ids are the
    generator's; each audit entry gets its digest from ``audit.entry_row``."""
    from counterhall import audit, synthetic
    from counterhall.models import AuditEntry, Rectification, Signature, Visit, VisitRating

    for model, rows in (
        (Case, batch.cases),
        (Visit, batch.visits),
        (Visit.cases.through, batch.visit_cases),
        (VisitRating, batch.ratings),
        (Rectification, batch.rectifications),
        (Signature, batch.signatures),
        (AuditEntry, [audit.entry_row(e, key=key) for e in batch.entries]),
    ):
        synthetic.insert_rows(model, rows)


def seed_month(*, hall, users) -> None:
    """A month of plausible history before today (counterhall.synthetic): visits, cases,
    returns, ratings and their audit entries, at their own times. Idempotent: skipped when
    the hall has visits before today. Run ``manage.py audit_seal`` afterwards (seed_demo
    does) so that ``audit_verify`` finds the backdated entries sealed."""
    from django.db import connection
    from django.db.models import Max, Model
    from django.utils import timezone

    from counterhall import audit, synthetic
    from counterhall.models import (
        AuditEntry,
        CaseSequence,
        Rectification,
        Signature,
        Visit,
        VisitRating,
        VisitSequence,
    )
    from counterhall.params import param

    today = timezone.localdate()
    if Visit.objects.filter(hall=hall, day__lt=today).exists():
        return
    start = today - dt.timedelta(days=MONTH_DAYS)
    models: dict[str, type[Model]] = {
        "cases": Case,
        "visits": Visit,
        "ratings": VisitRating,
        "rectifications": Rectification,
        "signatures": Signature,
    }
    ids = {
        name: (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        for name, model in models.items()
    }
    ids["entries"] = (AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    rectify = int(str(param("rating.rectify_working_days", region=hall.region, on=today).value))
    generator = synthetic.Generator(
        seed=MONTH_SEED,
        now=timezone.now(),
        halls=[month_setup(hall=hall, users=users)],
        types=business_types(),
        ids=ids,
        calendar=synthetic.calendar_for(start, today),
        rectify_days=rectify,
        rates=synthetic.Rates(poor_rating=0.005),
    )
    everything = synthetic.Batch()
    for batch in synthetic.batches(generator, synthetic.day_range(start, today - dt.timedelta(1))):
        for name in synthetic.TABLES:
            getattr(everything, name).extend(getattr(batch, name))
    write_batch(everything, key=audit.audit_key())
    CaseSequence.objects.bulk_create(
        [CaseSequence(hall_id=h, day=d, last=n) for (h, d), n in generator.case_sequences.items()],
        ignore_conflicts=True,
    )
    VisitSequence.objects.bulk_create(
        [
            VisitSequence(hall_id=h, day=d, category=c, last=n)
            for (h, d, c), n in generator.visit_sequences.items()
        ],
        ignore_conflicts=True,
    )
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            reset: list[type[Model]] = [*models.values(), AuditEntry, Visit.cases.through]
            for sql in connection.ops.sequence_reset_sql(no_style(), reset):
                cursor.execute(sql)
