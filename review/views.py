"""The reviewer's pages: the live queue, take-next, the review screen and its decisions.
Thin: each parses a form, calls one service or selector, and renders or redirects."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from counterhall import permissions, polls
from counterhall import selectors as core_selectors
from counterhall.models import DELEGABLE_ROLES, CaseState
from counterhall.roles import Role, has_role, own_roles
from counterhall.views import HtmxLoginRequiredMixin, pages_context
from counterhall.web import user_errors
from review import selectors, services
from review.forms import DecisionForm, DelegationForm, ReturnForm

POLL_SECONDS = 5


class ReviewerRequiredMixin(HtmxLoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, Role.REVIEWER):
            raise PermissionDenied(permissions.DENIED_NOT_REVIEWER)
        return super().dispatch(request, *args, **kwargs)


class QueueView(ReviewerRequiredMixin, TemplateView):
    """The hall's review queue with its figures; the live part re-renders every few seconds
    (htmx polling ``review:queue-live``). A read writes and enqueues nothing: idle claims
    are released by the scheduler's job every minute (counterhall.jobs.SCHEDULE)."""

    template_name = "review/queue.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        entries = selectors.review_entries_today(user=user)
        ctx.update(
            stats=selectors.queue_stats(user=user, entries=entries),
            head=selectors.queue_head(user=user),
            in_review=selectors.in_review(user=user),
            mine=selectors.reviewer_today(user=user, entries=entries),
            poll_seconds=POLL_SECONDS,
            rendered_at=timezone.now().isoformat(),
            page_size=selectors.QUEUE_PAGE,
        )
        return ctx


class QueueLiveView(polls.PolledFragmentMixin, QueueView):
    """The live part, polled: "unchanged" answers 204 from the hall's cases version
    (``counterhall.polls``), re-rendered at least once a minute (its waiting times, and the
    idle-claim release a read enqueues)."""

    template_name = "review/_queue_live.html"
    poll_bucket_seconds = 60


def _seen_at(value: str | None):
    """The queue page's render time from the take-next form (None if absent or garbled)."""
    try:
        seen = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return seen if timezone.is_aware(seen) else None


class TakeNextView(ReviewerRequiredMixin, View):
    def post(self, request):
        with user_errors(request, denied=permissions.DENIED_NOT_REVIEWER) as outcome:
            case = services.case_take_next(
                actor=request.user, seen_at=_seen_at(request.POST.get("seen_at"))
            )
        if not outcome.ok:
            return redirect("review:queue")
        if case is None:
            messages.info(request, _("队列中暂无您可以复核的业务。"))
            return redirect("review:queue")
        messages.success(request, _("已认领 %(number)s。") % {"number": case.number})
        return redirect("review:case", pk=case.pk)


class ReviewCaseView(ReviewerRequiredMixin, TemplateView):
    """Everything the teller saw — application, documents checklist, frozen figures with
    the parameter versions, history — and the reviewer's decisions."""

    template_name = "review/case.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        case = core_selectors.case_detail(user=user, case_id=kwargs["pk"])
        documents = {d.code: d for d in case.business_type.documents.all()}
        may_decide = case.state == CaseState.IN_REVIEW and permissions.can_decide_case(case, user)
        initial = {"seen_state": case.state}
        if may_decide:
            ctx.setdefault("return_form", ReturnForm(case=case, initial=initial))
            ctx.setdefault("decision_form", DecisionForm(initial=initial))
        ctx.update(
            case=case,
            may_decide=may_decide,
            document_rows=[
                (documents[code], entry)
                for code, entry in case.documents.items()
                if code in documents
            ],
            history=core_selectors.case_history(case),
            application_rows=core_selectors.application_rows(case),
            figures_template=core_selectors.figures_template(case),
            **pages_context(case, user, may_edit=False),
        )
        return ctx


class ReviewDecisionView(ReviewerRequiredMixin, View):
    """The one place a reviewer decides: POST /review/cases/<pk>/<approve|return|release>/
    → the review service. The case page's approve/return/release link here (their
    registered case actions carry ``link="review:case"``); return takes the checklist of
    ``review.ReturnReason`` plus free text (``ReturnForm``)."""

    def post(self, request, pk, decision):
        case = core_selectors.case_detail(user=request.user, case_id=pk)
        if decision == "claim":  # claiming is only through take-next
            messages.error(request, permissions.DENIED_DIRECT_CLAIM)
            return redirect("review:queue")
        if decision == "return":
            form = ReturnForm(request.POST, case=case)
        else:
            form = DecisionForm(request.POST)
        if not form.is_valid():
            if decision == "return":
                view = ReviewCaseView()
                view.setup(request, pk=pk)
                messages.error(request, _("请选择或填写退回原因。"))
                ctx = view.get_context_data(pk=pk, return_form=form)
                return view.render_to_response(ctx, status=400)
            messages.error(request, _("请求不完整，请刷新页面后重试。"))
            return redirect("review:case", pk=pk)
        common = {
            "actor": request.user,
            "case_id": case.pk,
            "seen_state": form.cleaned_data["seen_state"],
        }
        note = form.cleaned_data.get("note", "")
        with user_errors(request, denied=permissions.DENIED_NOT_CLAIMANT) as outcome:
            if decision == "approve":
                case = services.case_approve(**common, note=note)
                done = _("已复核通过 %(number)s（%(state)s）。")
            elif decision == "return":
                case = services.case_return(**common, reasons=form.reason_list(), note=note)
                done = _("已退回 %(number)s，柜员将看到退回原因。")
            elif decision == "release":
                case = services.case_release(**common, note=note)
                done = _("已将 %(number)s 放回队列。")
            else:
                return redirect("review:case", pk=pk)
        if outcome.ok:
            messages.success(
                request, done % {"number": case.number, "state": case.get_state_display()}
            )
            return redirect("review:queue")
        return redirect("review:case", pk=pk)


class SignerRequiredMixin(HtmxLoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, Role.LEADER, Role.FINANCE):
            raise PermissionDenied(permissions.DENIED_SIGNOFF)
        return super().dispatch(request, *args, **kwargs)


class SignoffSessionView(SignerRequiredMixin, TemplateView):
    """The daily sign-off session (集中签批): this session's cases by business type with key
    figures and totals; the signer signs the batch, excluding single cases with a reason,
    in one confirmation (POST → ``services.signoff_sign_batch``), then prints the sheet."""

    template_name = "review/signoff.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("session", selectors.signoff_session(user=self.request.user))
        return ctx

    def post(self, request):
        ids = [int(pk) for pk in request.POST.getlist("case") if pk.isdigit()]
        exclusions = {
            pk: request.POST.get(f"reason_{pk}", "")
            for pk in ids
            if request.POST.get(f"exclude_{pk}")
        }
        if not request.POST.get("confirm"):
            messages.error(request, _("请勾选确认后再签批。"))
            return redirect("review:signoff")
        with user_errors(request, denied=permissions.DENIED_SIGNOFF) as outcome:
            result = services.signoff_sign_batch(
                actor=request.user, case_ids=ids, exclusions=exclusions
            )
        if not outcome.ok:
            return redirect("review:signoff")
        for case in result.changed:
            messages.warning(
                request,
                _("%(number)s 已被他人处理（暂缓或签批），未签批，请刷新核对。")
                % {"number": case.number or case.pk},
            )
        messages.success(
            request,
            _("已签批 %(signed)s 件，暂缓退回 %(held)s 件。")
            % {"signed": len(result.signed), "held": len(result.held)},
        )
        if not result.signed and not result.held:
            return redirect("review:signoff")
        return redirect(
            f"{reverse('review:signoff-sheet')}?{urlencode({'at': result.at.isoformat()})}"
        )


class BatchSheetView(SignerRequiredMixin, TemplateView):
    """The printable A4 batch sheet (签批单) of the signer's batch signed at ``?at=``."""

    template_name = "review/signoff_sheet.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        at = _seen_at(self.request.GET.get("at"))
        if at is None:
            raise Http404
        ctx["sheet"] = selectors.batch_sheet(user=self.request.user, at=at)
        ctx["hall"] = permissions.user_hall(self.request.user)
        return ctx


class DelegationView(HtmxLoginRequiredMixin, TemplateView):
    """Delegation while away (委托代理): a leader, finance officer or reviewer hands their
    role to a colleague for a date range, or the hall admin does it for them; the list of
    the delegations they are part of (the hall's, for the admin) with 结束 on those in
    force; for the hall admin, each reviewer's claimed cases with 放回队列."""

    template_name = "review/delegations.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (own_roles(user) & {*DELEGABLE_ROLES, Role.HALL_ADMIN}):
            raise PermissionDenied(permissions.DENIED_NOT_HALL_ADMIN)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        user = self.request.user
        is_admin = has_role(user, Role.HALL_ADMIN)
        if is_admin:
            roles = [(r.value, r.label) for r in DELEGABLE_ROLES]
        else:
            roles = [(r.value, r.label) for r in DELEGABLE_ROLES if r in own_roles(user)]
        return DelegationForm(
            data,
            user=user,
            staff=selectors.hall_staff(user=user),
            roles=roles,
            is_admin=is_admin,
            initial={"starts_on": timezone.localdate(), "principal": user.pk},
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.setdefault("form", self._form())
        ctx.update(
            delegations=selectors.delegations_for(user=user),
            today=timezone.localdate(),
            is_admin=has_role(user, Role.HALL_ADMIN),
            claims=selectors.claims_by_reviewer(user=user)
            if has_role(user, Role.HALL_ADMIN)
            else [],
        )
        return ctx

    def post(self, request):
        if "end" in request.POST:
            with user_errors(request) as outcome:
                services.delegation_end(actor=request.user, delegation_id=int(request.POST["end"]))
            if outcome.ok:
                messages.success(request, _("委托已结束。"))
            return redirect("review:delegations")
        if "release" in request.POST:
            with user_errors(request, denied=permissions.DENIED_NOT_HALL_ADMIN) as outcome:
                released = services.release_reviewer_claims(
                    actor=request.user, reviewer_id=int(request.POST["release"])
                )
            if outcome.ok:
                messages.success(request, _("已将 %(n)s 件业务放回队列。") % {"n": len(released)})
            return redirect("review:delegations")
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with user_errors(request, form=form) as outcome:
                services.delegation_create(
                    actor=request.user,
                    principal=data["principal"],
                    delegate=data["delegate"],
                    role=data["role"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            if outcome.ok:
                messages.success(request, _("委托已设置。"))
                return redirect("review:delegations")
        return self.render_to_response(self.get_context_data(form=form), status=400)
