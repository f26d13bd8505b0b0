"""Pages of 一件事一次办: taking a bundle in (from the intake page), the bundle's page (one
merged checklist, one application, one notice, one submission, each case's state) and its
A4 papers (the one-time notice and the receipt). Views are thin: they parse a form and call
one service of ``counterhall.bundle_services`` or a read of ``counterhall.bundle_selectors``."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from counterhall import (
    bundle_selectors,
    bundle_services,
    selectors,
)
from counterhall.models import Bundle, CaseState, DocumentStatus, Window
from counterhall.web import looked_up_subject, subject_arguments, user_errors


class BundleOpenForm(forms.Form):
    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none())
    bundle = forms.ModelChoiceField(label=_("一件事"), queryset=Bundle.objects.none())
    applicant_name = forms.CharField(label=_("办事人"), max_length=100, required=False)
    subject = forms.CharField(
        label=_("单位统一社会信用代码或个人身份证号码"), max_length=24, required=False
    )
    optional = forms.MultipleChoiceField(label=_("视情形办理"), required=False, choices=())

    def __init__(self, *args, windows, bundles, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["window"]).queryset = windows
        cast(forms.ModelChoiceField, self.fields["bundle"]).queryset = Bundle.objects.filter(
            pk__in=[b.pk for b in bundles]
        )
        self.offered = list(bundles)
        if windows.count() == 1:
            self.fields["window"].initial = windows.first()
        cast(forms.MultipleChoiceField, self.fields["optional"]).choices = sorted(
            {
                (i.business_type.code, i.business_type.code)
                for b in bundles
                for i in b.items.all()
                if i.optional
            }
        )


def bundle_open_form(user, data=None) -> BundleOpenForm:
    windows = selectors.my_windows(user=user)
    return BundleOpenForm(
        data,
        windows=windows,
        bundles=bundle_selectors.bundles_offered(user=user, windows=list(windows)),
        prefix="bundle",
    )


class BundleOpenView(LoginRequiredMixin, TemplateView):
    """受理一件事 (posted from the intake page): open all the bundle's cases in the visit."""

    template_name = "counterhall/bundle_open.html"

    def get(self, request, *args, **kwargs):
        return redirect("case-open")

    def post(self, request, *args, **kwargs):
        form = bundle_open_form(request.user, request.POST)
        if form.is_valid():
            subject = looked_up_subject(request, form.cleaned_data["subject"], via="bundle-open")
            if subject is not None and subject.error:
                form.add_error("subject", subject.error)
            else:
                with user_errors(request, form=form) as outcome:
                    intake = bundle_services.bundle_open(
                        actor=request.user,
                        window=form.cleaned_data["window"],
                        bundle=form.cleaned_data["bundle"],
                        applicant_name=form.cleaned_data["applicant_name"],
                        **subject_arguments(subject),
                        optional_codes=form.cleaned_data["optional"],
                    )
                if outcome.ok:
                    messages.success(
                        request,
                        _("已受理一件事“%(name)s”：%(numbers)s。")
                        % {
                            "name": intake.bundle.name,
                            "numbers": "、".join(c.number for c in intake.ordered_cases()),
                        },
                    )
                    return redirect("bundle-detail", pk=intake.pk)
        return self.render_to_response({"bundle_form": form}, status=400)


class BundleDetailView(LoginRequiredMixin, TemplateView):
    """The bundle's page: the merged checklist, the one application, one notice and each
    case's state; the bundle is complete when every case is."""

    template_name = "counterhall/bundle_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        intake = bundle_selectors.intake_detail(user=self.request.user, intake_id=kwargs["pk"])
        cases = intake.ordered_cases()
        may_edit = intake.teller_id == self.request.user.pk
        shared, parts = bundle_selectors.application_parts(
            intake, cases, data=kwargs.get("application_data")
        )
        ctx.update(
            intake=intake,
            cases=cases,
            checklist=bundle_selectors.merged_checklist(cases),
            may_edit=may_edit,
            in_intake=may_edit and any(c.state == CaseState.DRAFT for c in cases),
            shared_fields=shared,
            parts=parts,
            noticed=any(c.missing_notice for c in cases),
            submitted=any(c.submitted_at for c in cases),
            DocumentStatus=DocumentStatus,
            today=timezone.localdate(),
        )
        return ctx

    def post(self, request, pk):
        bundle_selectors.intake_detail(user=request.user, intake_id=pk)
        act = request.POST.get("act", "")
        if act == "application":
            errors = {}
            with user_errors(request) as outcome:
                errors = bundle_services.bundle_save_application(
                    actor=request.user, intake_id=pk, data=request.POST
                )
            if outcome.ok and not errors:
                messages.success(request, _("申请内容已保存，核算结果已更新。"))
                return redirect("bundle-detail", pk=pk)
            if errors:
                messages.error(request, _("申请内容有误，请按提示修改；其余业务已保存。"))
                ctx = self.get_context_data(pk=pk, application_data=request.POST)
                return self.render_to_response(ctx, status=400)
            return redirect("bundle-detail", pk=pk)
        with user_errors(request) as outcome:
            if act == "documents":
                bundle_services.bundle_set_documents(
                    actor=request.user,
                    intake_id=pk,
                    received=request.POST.getlist("received"),
                )
                done = _("要件清单已保存。")
            elif act == "notify":
                bundle_services.bundle_notify_missing(actor=request.user, intake_id=pk)
                done = _("已出具一次性告知书。")
            elif act == "submit":
                refused = bundle_services.bundle_submit(actor=request.user, intake_id=pk)
                for number, reasons in refused.items():
                    messages.warning(request, f"{number}: {'；'.join(reasons)}")
                done = _("已提交复核。") if not refused else _("其余业务已提交复核。")
            else:
                raise Http404
        if outcome.ok:
            messages.success(request, done)
        return redirect("bundle-detail", pk=pk)


class BundlePrintView(LoginRequiredMixin, TemplateView):
    """The bundle's A4 papers: one one-time notice for everything missing across its cases,
    and one receipt listing every case with its promised date."""

    kinds = {
        "notice": "counterhall/print_bundle_notice.html",
        "receipt": "counterhall/print_bundle_receipt.html",
    }

    def get_template_names(self):
        if self.kwargs["kind"] not in self.kinds:
            raise Http404
        return [self.kinds[self.kwargs["kind"]]]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        intake = bundle_selectors.intake_detail(user=self.request.user, intake_id=kwargs["pk"])
        cases = intake.ordered_cases()
        checklist = bundle_selectors.merged_checklist(cases)
        if kwargs["kind"] == "notice":
            noticed = [c for c in cases if c.missing_notice]
            if not noticed:
                raise PermissionDenied(_("此一件事没有出具一次性告知书。"))
            notices = [c.missing_notice or {} for c in noticed]
            codes = {code for n in notices for code in n.get("documents", [])}
            ctx["missing"] = [row for row in checklist if row.code in codes]
            ctx["issued_at"] = notices[0].get("issued_at")
        else:
            if not any(c.submitted_at for c in cases):
                raise PermissionDenied(_("此一件事尚无业务提交复核，不能打印受理回执。"))
            ctx["received"] = [row for row in checklist if not row.missing]
        ctx.update(intake=intake, cases=cases, case=cases[0], printed_on=timezone.localdate())
        return ctx
