"""Who may do what — the one module that views, the API, services and transitions ask.

Two questions (after Wagtail's permission policies):
1. object: ``can_<act>(case, user) -> bool``; these are also the ``permission=`` callables
   of the Case transitions, enforced by ``counterhall.transitions.fire``;
2. queryset: ``cases_visible_to(user)`` and friends, one query each, never per row.

Roles are groups (counterhall.roles); where a person works is the guardian object permission
``counterhall.work_at_window`` on a Window; a claimed case is decided by the holder of the
guardian object permission ``counterhall.decide_case`` (granted on claim, removed on release).
"""

from __future__ import annotations

from django.db.models import Exists, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from counterhall.roles import Role, delegations, has_role, own_roles, user_roles

WORK_AT_WINDOW = "counterhall.work_at_window"
DECIDE_CASE = "counterhall.decide_case"
REVIEW_SPECIAL = "counterhall.review_special_business"

READ_ALL_ROLES = (Role.AUDITOR, Role.HALL_ADMIN, Role.LEADER, Role.FINANCE)

# Sentences that say what was missing when an act is refused.
DENIED_NOT_OWN_CASE = _("只有受理此业务的柜员可以办理此操作。")
DENIED_WINDOW = _("您没有在此窗口办理业务的授权。")
DENIED_OWN_INTAKE = _("复核员不能复核自己受理的业务。")
DENIED_SPECIAL = _("您没有复核特殊性业务的授权。")
DENIED_NOT_REVIEWER = _("只有专职复核员可以认领复核业务。")
DENIED_DIRECT_CLAIM = _("业务只能从复核队列“认领下一件”领取，不能直接认领指定的业务。")
DENIED_NOT_CLAIMANT = _("只有认领此业务的复核员可以作出决定。")
DENIED_NOT_HALL_ADMIN = _("只有本大厅的大厅管理员可以办理此操作。")
DENIED_SIGNOFF = _("此业务不需要您所在角色签批，或您已签批。")
DENIED_OTHER_HALL = _("此业务不属于您所在的大厅。")
DENIED_OTHER_REGION = _("该单位或人员的参保地不是本大厅所在地区，不能在本大厅办理此项业务。")
DENIED_HELD_BY_OTHER = _(
    "此业务现由%(teller)s在%(window)s办理；如需由您继续办理，请先点击“接续办理”。"
)
DENIED_TAKE_OVER_STATE = _("复核中、待签批或已终结的业务不能接续办理。")
DENIED_TAKE_OVER_OWN = _("此业务已由您在此窗口办理，无需接续。")
DENIED_TAKE_OVER_WINDOW = _("只能接续到您有权办理的同类窗口（一般性业务：综合柜员窗口）。")
DENIED_TAKE_OVER_REVIEWER = _("复核过此业务的人员不能接续办理。")
# States in which another window may continue a case (接续办理): before review, or back
# from it — the applicant who comes back another day.
TAKE_OVER_STATES = ("draft", "awaiting_documents", "returned")


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _staff(user):
    return getattr(user, "staff", None) if _active(user) else None


def user_hall(user):
    """The hall a staff member belongs to: the one way to ask (None for a user who is not
    signed in, inactive, or has no staff profile, e.g. a superuser)."""
    staff = _staff(user)
    return staff.hall if staff else None


def user_hall_id(user) -> int | None:
    """``user_hall(user).pk`` without loading the hall."""
    staff = _staff(user)
    return staff.hall_id if staff else None


def works_at(user, window) -> bool:
    """Whether the user holds a window grant. Counter work needs the grant itself: a Django
    superuser (to whom guardian grants everything) is refused like anyone without one —
    administration and counter work are separate duties."""
    if not _active(user):
        return False
    if user.is_superuser:
        return windows_for(user).filter(pk=window.pk).exists()
    return user.has_perm(WORK_AT_WINDOW, window)


# --------------------------------------------------------------------------- object checks
# Each returns (allowed, reason) through explain_*; the can_* wrappers return the bool that
# django-fsm-2 expects from a permission callable.


def staff_name(user) -> str:
    """How the hall names a staff member on pages and papers: the full name, else the
    username."""
    return (user.get_full_name() or user.get_username()) if user else ""


def explain_change_case(case, user) -> StrOrPromise | None:
    if not _active(user):
        return DENIED_NOT_OWN_CASE
    if case.teller_id != user.pk:
        if user_hall_id(user) == case.hall_id and case.teller_id:
            return DENIED_HELD_BY_OTHER % {
                "teller": staff_name(case.teller),
                "window": case.window,
            }
        return DENIED_NOT_OWN_CASE
    if not works_at(user, case.window):
        return DENIED_WINDOW
    return None


def explain_claim_case(case, user) -> StrOrPromise | None:
    if not _active(user) or not has_role(user, Role.REVIEWER):
        return DENIED_NOT_REVIEWER
    if user_hall_id(user) != case.hall_id:
        return DENIED_OTHER_HALL
    if case.teller_id == user.pk:
        return DENIED_OWN_INTAKE
    if case.business_type.is_special and not user.has_perm(REVIEW_SPECIAL):
        return DENIED_SPECIAL
    return None


def explain_decide_case(case, user) -> StrOrPromise | None:
    if not _active(user):
        return DENIED_NOT_CLAIMANT
    if case.teller_id == user.pk:
        return DENIED_OWN_INTAKE
    if case.reviewer_id != user.pk or not user.has_perm(DECIDE_CASE, case):
        return DENIED_NOT_CLAIMANT
    return None


def explain_release_case(case, user) -> StrOrPromise | None:
    """The claiming reviewer, or the hall admin of the case's hall (a reviewer off sick:
    their claims go back to the queue)."""
    if _active(user) and has_role(user, Role.HALL_ADMIN) and user_hall_id(user) == case.hall_id:
        return None
    return explain_decide_case(case, user)


def signing_capacity(case, user):
    """``(role, principal)``: the first sign-off role this case still needs that the user
    holds, and whom they sign for — the absent holder, when the role comes through a
    delegation in force today (``roles.delegations``; one standing in signs in the absent
    one's stead even holding the role too) — or None. Never the case's teller or reviewer,
    neither as signer nor as the one signed for; one person signs a case once."""
    if not _active(user) or user.pk in (case.teller_id, case.reviewer_id):
        return None
    if user_hall_id(user) != case.hall_id:
        return None
    signed = case.signatures.all()
    if any(user.pk in (s.signer_id, s.acting_for_id) for s in signed):
        return None  # one person signs once, even holding both leader and finance
    delegated = delegations(user)
    for role in case.pending_signoff_roles():
        delegation = delegated.get(role)
        if delegation is not None:
            principal = delegation.principal
            if principal.pk in (case.teller_id, case.reviewer_id) or any(
                principal.pk in (s.signer_id, s.acting_for_id) for s in signed
            ):
                continue
            return role, principal
        if role in own_roles(user):
            return role, None
    return None


def signing_role(case, user) -> StrOrPromise | None:
    """The first sign-off role this case still needs that the user holds (see
    ``signing_capacity``)."""
    capacity = signing_capacity(case, user)
    return capacity[0] if capacity else None


def explain_sign_case(case, user) -> StrOrPromise | None:
    return None if signing_role(case, user) else DENIED_SIGNOFF


def explain_take_over_case(case, user, window=None) -> StrOrPromise | None:
    """Whether the user may continue this case at ``window`` (接续办理): a teller of the
    case's hall who works at a window of the case's kind, in a state before or back from
    review. ``window`` None: at any such window of theirs."""
    if not _active(user) or user_hall_id(user) != case.hall_id:
        return DENIED_OTHER_HALL
    if case.state not in TAKE_OVER_STATES:
        return DENIED_TAKE_OVER_STATE
    if user.pk == case.reviewer_id:
        return DENIED_TAKE_OVER_REVIEWER
    if window is None:
        fitting = take_over_windows(user, case)
        if not fitting:
            return DENIED_TAKE_OVER_WINDOW
        if case.teller_id == user.pk and case.window in fitting:
            return DENIED_TAKE_OVER_OWN
        return None
    if (
        window.hall_id != case.hall_id
        or window.is_special != case.business_type.is_special
        or not works_at(user, window)
    ):
        return DENIED_TAKE_OVER_WINDOW
    if case.teller_id == user.pk and case.window_id == window.pk:
        return DENIED_TAKE_OVER_OWN
    return None


def can_take_over_case(case, user, window=None) -> bool:
    return explain_take_over_case(case, user, window) is None


def take_over_windows(user, case) -> list:
    """The user's windows at which this case could be continued (its hall, its kind)."""
    return [
        w
        for w in windows_for(user)
        if w.hall_id == case.hall_id and w.is_special == case.business_type.is_special
    ]


DENIED_LOOKUP = _("只有窗口受理人员可以按证件号码查询办事对象。")


def can_look_up_subjects(user) -> bool:
    """Who may look up an employer or person by number at intake: the staff who take in
    cases (tellers and special clerks); each lookup of a person is audited."""
    return (
        _active(user)
        and user_hall_id(user) is not None
        and has_role(user, Role.TELLER, Role.SPECIAL_CLERK)
    )


def can_manage_hall(user) -> bool:
    """The hall admin (and a superuser): moves a teller's open cases to another teller."""
    return _active(user) and (user.is_superuser or has_role(user, Role.HALL_ADMIN))


def grant_decide_case(user, case) -> None:
    """Grant guardian ``decide_case`` on a case just claimed (removed again on release or
    decision with ``revoke_decide_case``).

    The user is passed as a one-element list: guardian's ``assign_perm`` then takes its
    bulk path (``assign_perm_to_many``, ``ignore_conflicts=True``): the permission lookup
    and one ``INSERT … ON CONFLICT DO NOTHING``, no savepoint. For a single user it would
    take a select, a savepoint and an insert on top of the lookup, and the claim is the
    review queue's hot path (tests/review/test_claim_statements.py counts it).
    """
    from guardian.shortcuts import assign_perm

    assign_perm(DECIDE_CASE, [user], case)


def revoke_decide_case(user, case) -> None:
    from guardian.shortcuts import remove_perm

    remove_perm(DECIDE_CASE, user, case)


def can_change_case(case, user) -> bool:
    return explain_change_case(case, user) is None


def can_claim_case(case, user) -> bool:
    return explain_claim_case(case, user) is None


def can_decide_case(case, user) -> bool:
    return explain_decide_case(case, user) is None


def can_release_case(case, user) -> bool:
    return explain_release_case(case, user) is None


def can_sign_case(case, user) -> bool:
    return explain_sign_case(case, user) is None


def subject_in_hall(subject, hall) -> bool:
    """Whether an employer or insured person (anything with a ``region``) belongs to the
    hall's region: a hall changes only the master data of its own insured."""
    return subject is not None and getattr(subject, "region", None) == hall.region


def can_read_audit(user) -> bool:
    return _active(user) and (user.is_superuser or has_role(user, Role.AUDITOR, Role.HALL_ADMIN))


DENIED_NOT_AUDITOR = _("只有稽核审计人员可以抽查业务。")
DENIED_TOOK_PART = _("您参与办理过此业务，不能抽查或评判。")
DENIED_REVEAL = _("只有受理此业务的柜员或本大厅的财务人员可以查看完整号码。")


def can_spot_check(user) -> bool:
    """Draw spot-check samples and record findings: an auditor of a hall."""
    return _active(user) and has_role(user, Role.AUDITOR) and user_hall_id(user) is not None


def took_part_in(case, user) -> bool:
    """Whether the user worked on the case: its teller, its reviewer, a signer, or the actor
    of any entry of its history (an auditor never samples or judges such a case)."""
    from counterhall.models import AuditEntry

    if user.pk in (case.teller_id, case.reviewer_id):
        return True
    if case.signatures.filter(Q(signer=user) | Q(acting_for=user)).exists():
        return True
    return (
        _supervision_excluded(AuditEntry.objects)
        .filter(target_type="counterhall.case", target_id=str(case.pk), actor=user)
        .exists()
    )


# What an auditor does to a case after the fact is supervision, not taking part in it: a
# finding they recorded, a full number they looked at, the case file they downloaded.
SUPERVISION_ACTIONS = ("pii.view", "case.casefile")
SUPERVISION_PREFIX = "spotcheck."


def _supervision_excluded(entries):
    return entries.exclude(action__startswith=SUPERVISION_PREFIX).exclude(
        action__in=SUPERVISION_ACTIONS
    )


def cases_taken_part_in(user) -> QuerySet:
    """The ids of the cases the user worked on (``took_part_in``), as one queryset."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from counterhall.models import AuditEntry, Case

    acted = (
        _supervision_excluded(AuditEntry.objects)
        .filter(target_type="counterhall.case", actor=user)
        .values("target_id")
    )
    return (
        Case.objects.annotate(target=Cast("pk", CharField()))
        .filter(
            Q(teller=user)
            | Q(reviewer=user)
            | Q(signatures__signer=user)
            | Q(signatures__acting_for=user)
            | Q(target__in=acted)
        )
        .values("pk")
    )


def can_reveal_pii(case, user) -> bool:
    """Who may see a case's full ID and account numbers (显示完整号码): the case's teller,
    and a finance officer of its hall (the payee). Every view is recorded."""
    if not _active(user):
        return False
    if case.teller_id == user.pk:
        return True
    return has_role(user, Role.FINANCE) and user_hall_id(user) == case.hall_id


def sees_findings(case, user) -> bool:
    """The spot-check findings on a case page: its teller and reviewer, and the audit."""
    return user.pk in (case.teller_id, case.reviewer_id) or can_read_audit(user)


def is_hall_staff(user) -> bool:
    return _active(user) and (user.is_superuser or user_hall_id(user) is not None)


# --------------------------------------------------------------------------- querysets


def windows_for(user) -> QuerySet:
    """The windows a staff member may work at (one query)."""
    from guardian.shortcuts import get_objects_for_user

    from counterhall.models import Window

    if not _active(user):
        return Window.objects.none()
    return get_objects_for_user(
        user,
        WORK_AT_WINDOW,
        klass=Window.objects.select_related("hall"),
        accept_global_perms=False,
        with_superuser=False,  # a superuser works only at the windows granted to them
    )


def cases_visible_to(user) -> QuerySet:
    """Every case this user may read, as one queryset.

    Auditors, hall admins, leaders and finance read their hall; reviewers read their hall's
    cases that reached review (special business only with the special authorisation);
    tellers read their own cases, those of the windows they work at, and — one hall, any
    window (综合柜员制) — a general teller every general case of the hall; so the special
    window's cases stay invisible to general tellers.
    """
    from counterhall.models import Case, CaseState

    if not _active(user):
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    hall_id = user_hall_id(user)
    if hall_id is None:
        return Case.objects.none()
    roles = user_roles(user)
    in_hall = Case.objects.filter(hall_id=hall_id)
    if roles & set(READ_ALL_ROLES):
        return in_hall
    windows = windows_for(user)
    visible = Q(teller=user) | Q(window__in=windows.values("pk"))
    if roles & {Role.TELLER, Role.SPECIAL_CLERK}:
        general_windows = windows.filter(hall_id=hall_id, kind="general")
        visible |= Q(business_type__is_special=False) & Q(Exists(general_windows))
    if Role.REVIEWER in roles:
        reviewable = ~Q(state__in=[CaseState.DRAFT, CaseState.AWAITING_DOCUMENTS])
        if not user.has_perm(REVIEW_SPECIAL):
            reviewable &= Q(business_type__is_special=False)
        visible |= reviewable
    return in_hall.filter(visible)


def subjects_visible_to(user, queryset: QuerySet) -> QuerySet:
    """The employers or insured persons (``queryset``, anything with ``region`` and the
    ``cases`` relation of Case.employer / Case.person) this user may read: a hall reads the
    master data of its region, less the subjects of special cases the user may not read —
    the same rule as ``cases_visible_to``, so a general teller's search never shows the
    person of a special case."""
    from counterhall.models import Case

    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    hall = user_hall(user)
    if hall is None:
        return queryset.none()
    special = Q(hall_id=hall.pk, business_type__is_special=True)
    hidden = Case.objects.filter(special).exclude(
        pk__in=cases_visible_to(user).filter(special).values("pk")
    )  # both sides the hall's few special cases, never its every case
    return queryset.filter(region=hall.region).exclude(cases__in=hidden)


DENIED_REVEAL_SUBJECT = _("只有窗口受理人员和审计人员可以查看完整的证件号码和账号。")


def can_reveal_subject_numbers(user) -> bool:
    """Who may see an ID or bank account number unmasked (each time audited as
    ``pii.view``): the staff who take in cases, and auditors."""
    return _active(user) and (
        user.is_superuser
        or (
            user_hall_id(user) is not None
            and has_role(user, Role.TELLER, Role.SPECIAL_CLERK, Role.AUDITOR)
        )
    )


# --------------------------------------------------------------------------- visits

DENIED_TICKETS = _("只有本大厅的导办人员、柜员或大厅管理员可以发放排队号。")
DENIED_RECTIFICATION = _("只有本大厅的大厅管理员或主管局长可以登记整改回访。")


def can_issue_ticket(user, hall) -> bool:
    """The guide's desk (hall admin), a teller or a special clerk of the hall."""
    return (
        _active(user)
        and user_hall_id(user) == hall.pk
        and has_role(user, Role.HALL_ADMIN, Role.TELLER, Role.SPECIAL_CLERK)
    )


def can_handle_rectification(user, hall) -> bool:
    """The hall admin or the leader of the hall: rectification items and their callbacks."""
    return can_open_rectifications(user) and user_hall_id(user) == hall.pk


def can_open_rectifications(user) -> bool:
    """The 差评整改 page (its own hall's items): a hall admin or leader of a hall — not an
    auditor nor a province reader, whose efficiency pages then show the counts unlinked."""
    return (
        _active(user)
        and user_hall_id(user) is not None
        and has_role(user, Role.HALL_ADMIN, Role.LEADER)
    )


# --------------------------------------------------------------------------- efficiency figures

METRICS_ROLES = (Role.LEADER, Role.HALL_ADMIN, Role.AUDITOR)
DENIED_METRICS = _("只有主管局长、大厅管理员和稽核审计人员可以查看服务效能数据。")


def can_read_metrics(user) -> bool:
    """The hall's efficiency figures (服务效能): its leaders and hall admins, and auditors
    (read only, as everything here); a superuser reads every hall (the province)."""
    return _active(user) and (
        user.is_superuser or (user_hall_id(user) is not None and has_role(user, *METRICS_ROLES))
    )


def can_read_own_metrics(user) -> bool:
    """A teller's own figures on their home page."""
    return _active(user) and user_hall_id(user) is not None


DENIED_RATING = _("只有本大厅的导办人员、柜员或大厅管理员可以代办事人提交评价。")


def can_read_visit(visit, user) -> bool:
    """A visit is read by the staff of its hall; a special-business ticket (身后一件事 …)
    only by those who may read the special window's cases: the special clerk, a reviewer
    with the special authorisation, and the hall-wide readers (auditor, hall admin, leader,
    finance). The visit's cases are listed further through ``cases_visible_to``."""
    if not _active(user) or user_hall_id(user) != visit.hall_id:
        return False
    if visit.category != "special":
        return True
    roles = user_roles(user)
    return bool(roles & {*READ_ALL_ROLES, Role.SPECIAL_CLERK}) or (
        Role.REVIEWER in roles and user.has_perm(REVIEW_SPECIAL)
    )


def can_record_rating(user, hall) -> bool:
    """Who may submit a rating for the applicant through the API (a tablet app or the
    provincial 好差评 platform signed in as the hall's front desk): those who issue its
    tickets. The hall's own tablet page needs no login (visit_views.RatingTabletView)."""
    return can_issue_ticket(user, hall)
