"""Pages of the hall's core: home per role, the case workspace, printing. Views are thin:
they parse a form, call one service or selector, and render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_fsm import can_proceed, has_transition_perm

from counterhall import pages, permissions, polls, registry, selectors, services, spotchecks
from counterhall.actions import CaseAction, all_actions, get_action
from counterhall.exceptions import DomainError, StorageUnavailable
from counterhall.forms import (
    CaseActionForm,
    CaseFindForm,
    CaseListFilterForm,
    CaseOpenForm,
    DocumentsForm,
    ReassignForm,
    TakeOverForm,
)
from counterhall.home import panels_for
from counterhall.models import Case, CaseState, DocumentStatus
from counterhall.roles import Role, user_roles
from counterhall.transitions import blocking_condition, permission_reason
from counterhall.web import (
    looked_up_subject,
    pager_queries,
    report_error,
    subject_arguments,
    user_errors,
)


class HomeView(LoginRequiredMixin, TemplateView):
    """Who you are, where you work today and what waits for you."""

    template_name = "counterhall/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        roles = user_roles(user)
        ctx["windows"] = list(selectors.my_windows(user=user))
        if roles & {Role.TELLER, Role.SPECIAL_CLERK}:
            ctx["open_cases"] = list(selectors.teller_open_cases(user=user)[:50])
        ctx["panels"] = panels_for(user)
        if permissions.can_read_audit(user):
            ctx["recent_audit"] = list(selectors.recent_audit(user=user, limit=15))
        return ctx


def search_business_types(types, query: str) -> list:
    """Types matching a search by code, Chinese name or pinyin initials, best first. The
    initials are stored on the type (BusinessType.pinyin_initials), not computed here."""
    scored = [(bt.matches(query), bt) for bt in types]
    return [bt for score, bt in sorted(scored, key=lambda p: (-p[0], p[1].position)) if score]


class HtmxLoginRequiredMixin(LoginRequiredMixin):
    """For fragments polled by htmx: when the session has ended, send the whole page to
    the login page (HX-Redirect) instead of swapping the login form into the fragment."""

    request: HttpRequest

    def handle_no_permission(self):
        if self.request.headers.get("HX-Request") and not self.request.user.is_authenticated:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("login") + "?next=" + reverse("home")
            return response
        return super().handle_no_permission()


class WorkListView(HtmxLoginRequiredMixin, polls.PolledFragmentMixin, TemplateView):
    """The teller's open cases with their live internal status (polled by the home page;
    "unchanged" answers 204 from the hall's cases version: ``counterhall.polls``)."""

    template_name = "counterhall/_worklist.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cases"] = list(selectors.teller_open_cases(user=self.request.user)[:50])
        return ctx


class CaseOpenView(LoginRequiredMixin, TemplateView):
    """受理: pick the business type (code, name or pinyin initials such as "dwcb"), identify
    the subject by USCC or ID number (what the hall knows is shown), open the case."""

    template_name = "counterhall/case_open.html"

    def _form(self, data=None):
        user = self.request.user
        windows = selectors.my_windows(user=user)
        return CaseOpenForm(
            data,
            windows=windows,
            business_types=selectors.business_types_served(user=user),
            initial={"business_type": self.request.GET.get("type")},
        )

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and self.request.method == "GET":
            return ["counterhall/_type_list.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx.setdefault("form", self._form())
        query = self.request.GET.get("q", "").strip()
        types = list(form.fields["business_type"].queryset)
        chosen = form["business_type"].value()
        type_list = search_business_types(types, query)
        if not chosen and query and len(type_list) == 1:
            chosen = type_list[0].pk  # a single match is chosen (Enter in the search box)
        hall = permissions.user_hall(self.request.user)
        for bt in type_list:
            bt.completion_note = registry.completion_note(bt, hall=hall)
        ctx.update(query=query, type_list=type_list, chosen_type=str(chosen) if chosen else "")
        if "bundle_form" not in ctx:  # 一件事一次办: the bundles offered next to single types
            from counterhall.bundle_views import bundle_open_form

            ctx["bundle_form"] = bundle_open_form(self.request.user)
        return ctx

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        subject = looked_up_subject(request, request.POST.get("subject", ""), via="case-open")
        if "lookup" in request.POST:
            return self.render_to_response(self.get_context_data(form=form, subject=subject))
        if form.is_valid():
            if subject is not None and subject.error:
                form.add_error("subject", subject.error)
            else:
                with user_errors(request, form=form) as outcome:
                    case = services.case_open(
                        actor=request.user,
                        window=form.cleaned_data["window"],
                        business_type=form.cleaned_data["business_type"],
                        applicant_name=form.cleaned_data["applicant_name"],
                        **subject_arguments(subject),
                    )
                if outcome.ok:
                    messages.success(request, _("已受理，业务编号 %s。") % case.number)
                    return redirect("case-detail", pk=case.pk)
        return self.render_to_response(self.get_context_data(form=form, subject=subject))


class SubjectLookupView(LoginRequiredMixin, View):
    """htmx: what the hall knows about a USCC or ID number (POST: no personal data in URLs)."""

    def post(self, request):
        if not permissions.can_look_up_subjects(request.user):
            raise PermissionDenied(permissions.DENIED_LOOKUP)
        subject = registry.lookup_subject(
            request.POST.get("subject", ""), hall=permissions.user_hall(request.user)
        )
        services.subject_lookup_record(actor=request.user, subject=subject, via="case-open")
        return TemplateResponse(request, "counterhall/_subject.html", {"subject": subject})


def available_actions(case: Case, user) -> list[CaseAction]:
    """The buttons this user may press on this case now (conditions and permission)."""
    return [
        a
        for a in all_actions()
        if a.applies_to(case) and has_transition_perm(getattr(case, a.transition), user)
    ]


def blocked_actions(case: Case, user) -> list[tuple[CaseAction, str]]:
    """Acts the user could take from this state but a case condition blocks, with the
    sentence that says why (e.g. submit while documents are missing)."""
    blocked = []
    for action in all_actions():
        if not action.applies_to(case):
            continue
        method = getattr(case, action.transition)
        if not can_proceed(method, check_conditions=False):
            continue
        reason = blocking_condition(method)
        if reason and permission_reason(method, user) is None:
            blocked.append((action, reason))
    return blocked


def take_over_form(case: Case, user) -> TakeOverForm | None:
    """The 接续办理 button, when this user may continue the case at a window of theirs."""
    if not permissions.can_take_over_case(case, user):
        return None
    return TakeOverForm(
        windows=permissions.take_over_windows(user, case),
        initial={"seen_state": case.state, "seen_teller": case.teller_id},
    )


class CaseDetailView(LoginRequiredMixin, TemplateView):
    """The case workspace: checklist, application, figures, history and the acts available."""

    template_name = "counterhall/case_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        case = selectors.case_detail(user=user, case_id=kwargs["pk"])
        may_edit = permissions.can_change_case(case, user)
        handler = (
            registry.get_handler(case.business_type.code)
            if registry.has_handler(case.business_type.code)
            else None
        )
        if may_edit and case.state == CaseState.DRAFT:
            ctx.setdefault(
                "documents_form", DocumentsForm(case=case, initial={"seen_state": case.state})
            )
        if may_edit and handler and case.state in (CaseState.DRAFT, CaseState.RETURNED):
            ctx.setdefault(
                "application_form", handler.form_class(initial=case.payload or None, case=case)
            )
            ctx["application_template"] = handler.template
        documents = {d.code: d for d in case.business_type.documents.all()}
        revealed = ctx.setdefault("pii_revealed", False)
        ctx.update(
            case=case,
            handler=handler,
            may_reveal=not revealed and permissions.can_reveal_pii(case, user),
            findings=spotchecks.findings_for_case(user=user, case=case),
            document_rows=[
                (documents[code], entry)
                for code, entry in case.documents.items()
                if code in documents
            ],
            payload_rows=selectors.application_rows(case, handler, reveal=revealed),
            figures_template=selectors.figures_template(case),
            may_receive_deferred=may_edit and bool(case.deferred_document_codes()),
            actions=available_actions(case, user),
            take_over_form=take_over_form(case, user),
            completion_paper=completion_paper(case),
            completion_mode=selectors.completion_mode(case),
            blocked_actions=blocked_actions(case, user),
            action_form=CaseActionForm(initial={"seen_state": case.state}),
            history=selectors.case_history(case),
            DocumentStatus=DocumentStatus,
            **pages_context(case, user, may_edit=may_edit),
        )
        return ctx


def pages_context(case: Case, user, *, may_edit: bool | None = None) -> dict:
    """The case file's part of a case page (workspace, review screen): each checklist row
    with its pages, and what the user may do with them (``counterhall/_pages.html``)."""
    if may_edit is None:
        may_edit = permissions.can_change_case(case, user)
    documents = {d.code: d for d in case.business_type.documents.all()}
    grouped = selectors.document_pages(case=case)
    may_add = may_edit and case.state in services.PAGE_ADD_STATES
    return {
        "page_rows": [
            (documents[code], case.documents.get(code, {}), grouped.get(code, []))
            for code in selectors.checklist_codes(case)
            if code in documents
        ],
        "may_add_pages": may_add,
        "pages_need_reason": may_add and case.submitted_at is not None,
        "may_remove_pages": may_add and case.submitted_at is None,
        "page_accept": "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf",
        "pages_required": pages.pages_required(region=case.hall.region, on=timezone.localdate()),
    }


class CasePagesAddView(LoginRequiredMixin, View):
    """POST the scanned pages of one checklist row (several files, from the scanner, the
    camera or dropped on the row) → ``services.case_pages_add``."""

    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        code = request.POST.get("document_code", "")
        with user_errors(request) as outcome:
            added = services.case_pages_add(
                actor=request.user,
                case_id=case.pk,
                document_code=code,
                files=request.FILES.getlist("files"),
                reason=request.POST.get("reason", ""),
                seen_state=request.POST.get("seen_state") or None,
            )
        if not outcome.ok:  # the top of the page, where the reason is
            return redirect("case-detail", pk=pk)
        messages.success(request, _("已添加 %(count)s 页。") % {"count": len(added)})
        return HttpResponseRedirect(reverse("case-detail", args=[pk]) + f"#doc-{code}")


class CasePageRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk, page_id):
        case = selectors.case_detail(user=request.user, case_id=pk)
        with user_errors(request) as outcome:
            services.case_page_remove(
                actor=request.user,
                page_id=page_id,
                seen_state=request.POST.get("seen_state") or None,
            )
        if outcome.ok:
            messages.success(request, _("页面已删除。"))
        return HttpResponseRedirect(reverse("case-detail", args=[case.pk]) + "#pages")


def _storage_down(exc: DomainError) -> HttpResponse:
    return HttpResponse(str(exc.message), status=503, content_type="text/plain; charset=utf-8")


@login_required
def case_page(request: HttpRequest, page_id: int) -> HttpResponse:
    """One scanned page, to a user who may read its case (404 otherwise); every request
    is a ``page.view`` audit entry (``?via=thumb`` for a thumbnail)."""
    via = "thumb" if request.GET.get("via") == "thumb" else "page"
    try:
        page, content = services.case_page_open(actor=request.user, page_id=page_id, via=via)
    except StorageUnavailable as exc:
        return _storage_down(exc)
    if via == "thumb" and not page.is_pdf:
        response = HttpResponse(pages.thumbnail(content), content_type="image/jpeg")
    else:
        response = HttpResponse(content, content_type=page.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{page.document_code}-{page.number}.{page.file_name.rsplit(".", 1)[-1]}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The case file as one PDF (电子档案), downloaded; the download is audited."""
    try:
        pdf = services.case_file_export(actor=request.user, case_id=pk)
    except StorageUnavailable as exc:
        return _storage_down(exc)
    number = Case.objects.filter(pk=pk).values_list("number", flat=True).first() or pk
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="casefile-{number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class CaseDocumentsView(LoginRequiredMixin, View):
    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        form = DocumentsForm(request.POST, case=case)
        if form.is_valid():
            with user_errors(request) as outcome:
                services.case_set_documents(
                    actor=request.user,
                    case_id=case.pk,
                    seen_state=form.cleaned_data["seen_state"],
                    received=form.received(),
                    deferred=form.deferred(),
                )
            if outcome.ok:
                messages.success(request, _("要件清单已保存。"))
        else:
            problems = [str(e) for errors in form.errors.values() for e in errors]
            messages.error(request, _("要件清单有误，请检查日期：%s") % "；".join(problems))
        return redirect("case-detail", pk=pk)


class CaseReceiveDeferredView(LoginRequiredMixin, View):
    """A document accepted under 容缺受理 is brought in later."""

    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        with user_errors(request) as outcome:
            services.case_receive_deferred(
                actor=request.user, case_id=case.pk, codes=request.POST.getlist("code")
            )
        if outcome.ok:
            messages.success(request, _("容缺要件已补交。"))
        return redirect("case-detail", pk=pk)


class CasePreviewView(LoginRequiredMixin, View):
    """htmx: validate the application with the type's form and compute its figures without
    saving anything, so the teller sees them live while typing (the figures are kept on the
    case only when the teller saves)."""

    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        if not permissions.can_change_case(case, request.user):
            raise PermissionDenied(permissions.explain_change_case(case, request.user))
        if not registry.has_handler(case.business_type.code):
            raise Http404
        handler = registry.get_handler(case.business_type.code)
        ctx = {"case": case, "figures_template": handler.figures_template}
        try:
            ctx["figures"] = handler.assess(case, request.POST).figures
        except registry.InvalidApplication as exc:
            form = exc.form
            ctx["errors"] = [
                (form.fields[f].label if f in form.fields else "", [str(m) for m in errs])
                for f, errs in form.errors.items()
            ]
        return TemplateResponse(request, "counterhall/_preview.html", ctx)


class CaseApplicationView(LoginRequiredMixin, View):
    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        try:
            services.case_save_application(
                actor=request.user,
                case_id=case.pk,
                seen_state=request.POST.get("seen_state", ""),
                data=request.POST,
            )
        except ValidationError as exc:
            form = getattr(exc, "form", None)  # registry.InvalidApplication: the bound form
            if form is None or case.state not in (CaseState.DRAFT, CaseState.RETURNED):
                report_error(request, exc)
                return redirect("case-detail", pk=pk)
            view = CaseDetailView()
            view.setup(request, pk=pk)
            ctx = view.get_context_data(pk=pk, application_form=form)
            messages.error(request, _("申请内容有误，请按提示修改。"))
            return view.render_to_response(ctx, status=400)
        except DomainError as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("申请内容已保存，核算结果已更新。"))
        return redirect("case-detail", pk=pk)


class CaseActionView(LoginRequiredMixin, View):
    """Every state change posts here: /cases/<pk>/<action>/ → the action's service."""

    def post(self, request, pk, action):
        act = get_action(action)
        if act is None or act.link:  # a link act is taken on its own page
            return HttpResponseRedirect(reverse("case-detail", args=[pk]))
        case = selectors.case_detail(user=request.user, case_id=pk)
        form = CaseActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请求不完整，请刷新页面后重试。"))
            return redirect("case-detail", pk=pk)
        with user_errors(request) as outcome:
            case = act.call(
                actor=request.user,
                case=case,
                seen_state=form.cleaned_data["seen_state"],
                reasons=form.reason_list(),
                note=form.cleaned_data.get("note", ""),
            )
        if outcome.ok:
            messages.success(
                request,
                _("%(action)s：已完成（%(number)s，当前状态：%(state)s）。")
                % {
                    "action": act.label,
                    "number": case.number,
                    "state": case.get_state_display(),
                },
            )
            next_url = request.POST.get("next")
            if next_url and next_url.startswith("/") and not next_url.startswith("//"):
                return HttpResponseRedirect(next_url)
            if act.then:
                return redirect(act.then, pk=pk)
        return redirect("case-detail", pk=pk)


# What the applicant takes home at completion, per catalogue code (the transfer papers
# TRF01–TRF03 are printed by transfers, which adds its certificate).
COMPLETION_PAPERS = {
    **dict.fromkeys(("REG01", "REG04"), _("参保登记证明")),
    **dict.fromkeys(("REG02", "REG03", "REG05"), _("变更/注销确认")),
    **dict.fromkeys(("CON01", "CON02", "CON03", "CON04"), _("核定通知")),
    **dict.fromkeys(("BEN01", "BEN02"), _("养老金核定表")),
    **dict.fromkeys(("BEN03", "BEN04"), _("失业保险待遇核定通知")),
    **dict.fromkeys(("TRF01", "TRF02", "TRF03"), _("转移接续办结通知")),
}
DEFAULT_PAPER = _("业务办结通知")
NOT_COMPLETE = _("此业务尚未办结，不能打印办结证明。")


def completion_paper(case: Case):
    return COMPLETION_PAPERS.get(case.business_type.code, DEFAULT_PAPER)


class CasePrintView(LoginRequiredMixin, TemplateView):
    """Printable A4 documents: the one-time notice (一次性告知书), the receipt (受理回执) and
    the completion paper the applicant takes home (办结证明, per type)."""

    kinds = {
        "notice": "counterhall/print_notice.html",
        "receipt": "counterhall/print_receipt.html",
        "completion": "counterhall/print_completion.html",
    }

    def get_template_names(self):
        if self.kwargs["kind"] not in self.kinds:
            raise Http404
        return [self.kinds[self.kwargs["kind"]]]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = selectors.case_detail(user=self.request.user, case_id=kwargs["pk"])
        documents = {d.code: d for d in case.business_type.documents.all()}
        if kwargs["kind"] == "notice":
            if not case.missing_notice:
                raise PermissionDenied(_("此业务没有出具一次性告知书。"))
            ctx["missing"] = [
                documents[c] for c in case.missing_notice["documents"] if c in documents
            ]
        elif kwargs["kind"] == "completion":
            if case.state != CaseState.COMPLETED:
                raise PermissionDenied(NOT_COMPLETE)
            ctx.update(
                paper_title=completion_paper(case),
                payload_rows=selectors.application_rows(case),
                figures_template=selectors.figures_template(case),
            )
        else:
            if case.submitted_at is None:
                raise PermissionDenied(_("此业务尚未提交复核，不能打印受理回执。"))
            ctx["received"] = [
                (documents[c], e)
                for c, e in case.documents.items()
                if c in documents and e.get("status") != "missing"
            ]
        ctx["case"] = case
        ctx["printed_on"] = timezone.localdate()
        return ctx


class CaseStateView(HtmxLoginRequiredMixin, View):
    """htmx: the case page polls its state; when a reviewer or signer (or another window)
    has moved the case since the page was drawn, the whole page reloads (HX-Refresh)."""

    def get(self, request, pk):
        cached = polls.session_hall_id(request)
        hall_id = cached if cached is not None else permissions.user_hall_id(request.user)
        current = polls.version(
            hall_id=hall_id,
            scopes=(polls.CASES,),
            extra=f"{request.user.pk}.{pk}",
        )
        if cached is not None and polls.unchanged(request, current):
            return polls.not_modified()
        case = selectors.case_detail(user=request.user, case_id=pk)
        polls.remember_hall(request, hall_id)
        seen = (request.GET.get("state", ""), request.GET.get("teller", ""))
        if seen != (case.state, str(case.teller_id)):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return TemplateResponse(
            request, "counterhall/_case_state.html", {"case": case, "poll_version": current}
        )


class CaseTakeOverView(LoginRequiredMixin, View):
    """接续办理: this teller continues the case at their window."""

    def post(self, request, pk):
        case = selectors.case_detail(user=request.user, case_id=pk)
        form = TakeOverForm(request.POST, windows=permissions.take_over_windows(request.user, case))
        if not form.is_valid():
            messages.error(request, _("请求不完整，请刷新页面后重试。"))
            return redirect("case-detail", pk=pk)
        with user_errors(request) as outcome:
            case = services.case_take_over(
                actor=request.user,
                case_id=case.pk,
                seen_state=form.cleaned_data["seen_state"],
                seen_teller=form.cleaned_data["seen_teller"],
                window=form.cleaned_data["window"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("已接续办理 %(number)s，此业务现由您在%(window)s办理。")
                % {"number": case.number, "window": case.window},
            )
        return redirect("case-detail", pk=pk)


NOT_FOUND = _("未找到")


class CaseFindView(LoginRequiredMixin, TemplateView):
    """The "scan or type the number" box: the number printed on the notice or receipt opens
    the case; a number that does not exist or that the user may not read is "未找到" alike."""

    template_name = "counterhall/case_find.html"

    def get(self, request, *args, **kwargs):
        form = CaseFindForm(request.GET or None)
        if form.is_valid():
            number = form.cleaned_data["number"].upper()
            case = (
                permissions.cases_visible_to(request.user)
                .filter(number=number)
                .values_list("pk", flat=True)
                .first()
            )
            if case is not None:
                return redirect("case-detail", pk=case)
            form.add_error("number", NOT_FOUND)
        return self.render_to_response(self.get_context_data(form=form), status=200)


class CaseListView(LoginRequiredMixin, TemplateView):
    """Every case the user may read — completed, rejected and withdrawn ones too — with
    filters, newest first, keyset-paginated ("下一页" carries the last row's cursor)."""

    template_name = "counterhall/case_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = CaseListFilterForm(
            self.request.GET or None, **selectors.case_list_choices(user=user)
        )
        filters = form.cleaned_data if form.is_valid() else {}
        cases, cursor = selectors.case_list(
            user=user, filters=filters, after=self.request.GET.get("after", "")
        )
        ctx.update(form=form, cases=cases, **pager_queries(self.request, cursor))
        return ctx


SEARCH_LENGTH = _(
    "请输入 %(min)s 至 %(max)s 个字符：业务编号、身份证号码、统一社会信用代码、名称或拼音首字母。"
)


class SearchView(LoginRequiredMixin, TemplateView):
    """The header's one search box: case number, ID number, USCC, name or pinyin initials,
    grouped (cases, persons, employers) within what the user may read. A scanned case
    number opens the case at once; a number-shaped query that finds nothing is "未找到"."""

    template_name = "counterhall/search.html"

    def post(self, request, *args, **kwargs):
        """The header box posts (an ID number stays out of URLs and server logs)."""
        return self.answer(request, request.POST)

    def get(self, request, *args, **kwargs):
        return self.answer(request, request.GET)

    def answer(self, request, data):
        from counterhall.pii import RESIDENT_ID, mask_resident_id
        from counterhall.search import SEARCH_MAX, SEARCH_MIN

        if not permissions.is_hall_staff(request.user):
            raise PermissionDenied(_("只有大厅工作人员可以查询。"))
        query = data.get("q", "").strip()
        by_id = bool(RESIDENT_ID.match(query))
        ctx = self.get_context_data(
            query="" if by_id else query,
            shown_query=mask_resident_id(query.upper()) if by_id else query,
            groups=[],
            error="",
        )
        if not SEARCH_MIN <= len(query) <= SEARCH_MAX:
            if query or "q" in data:
                ctx["error"] = SEARCH_LENGTH % {"min": SEARCH_MIN, "max": SEARCH_MAX}
            return self.render_to_response(ctx)
        groups, exact = services.search_recorded(actor=request.user, query=query, via="search")
        if exact is not None:
            return redirect("case-detail", pk=exact.pk)
        ctx["groups"] = groups
        ctx["found"] = any(g.hits for g in groups)
        return self.render_to_response(ctx)


class HallTellersView(LoginRequiredMixin, TemplateView):
    """The hall admin's page: open cases per teller, and moving all of one teller's open
    cases to another (a teller who leaves or falls ill)."""

    template_name = "counterhall/hall_tellers.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_manage_hall(request.user):
            raise PermissionDenied(_("只有大厅管理员可以查看和移交柜员的业务。"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tellers = selectors.hall_tellers(user=self.request.user)
        ctx.setdefault("form", ReassignForm(tellers=tellers))
        ctx["tellers"] = list(tellers)
        return ctx

    def post(self, request, *args, **kwargs):
        form = ReassignForm(request.POST, tellers=selectors.hall_tellers(user=request.user))
        if form.is_valid():
            with user_errors(request, form=form) as outcome:
                moved = services.cases_reassign(
                    actor=request.user,
                    from_teller=form.cleaned_data["from_teller"],
                    to_teller=form.cleaned_data["to_teller"],
                )
            if outcome.ok:
                messages.success(
                    request,
                    _("已将 %(count)s 件未办结业务从%(from)s移交给%(to)s。")
                    % {
                        "count": len(moved),
                        "from": permissions.staff_name(form.cleaned_data["from_teller"]),
                        "to": permissions.staff_name(form.cleaned_data["to_teller"]),
                    },
                )
                return redirect("hall-tellers")
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_required
def case_by_number(request, number):
    case = get_object_or_404(permissions.cases_visible_to(request.user), number=number)
    return redirect("case-detail", pk=case.pk)
