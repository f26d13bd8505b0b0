"""The auditor's desk (/audit/): the log with filters and CSV export, a case's timeline,
spot checks with their findings reports, and the report of full-number views; plus the
显示完整号码 act on a case page. Read only except the spot checks' services. Views are thin:
they parse a form and call counterhall.auditlog / counterhall.spotchecks."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from counterhall import audit, auditlog, permissions, selectors, services, spotchecks
from counterhall.forms import StaffChoiceField
from counterhall.models import BusinessType, FindingVerdict, Window
from counterhall.web import pager_queries, user_errors

DENIED_AUDIT = _("只有稽核审计人员和大厅管理员可以查看审计日志。")


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class AuditFilterForm(forms.Form):
    """The log's filters (GET)."""

    date_from = forms.DateField(label=_("日期自"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("至"), required=False, widget=_date_input())
    actor = StaffChoiceField(label=_("操作人"), required=False)
    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none(), required=False)
    business_type = forms.ModelChoiceField(
        label=_("业务类型"), queryset=BusinessType.objects.none(), required=False
    )
    case_number = forms.CharField(label=_("业务编号"), required=False, max_length=32)
    action = forms.ChoiceField(label=_("动作"), required=False)
    subject = forms.CharField(
        label=_("对象（证件号码、信用代码或名称）"), required=False, max_length=50
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        hall_id = permissions.user_hall_id(user)
        staff = get_user_model().objects.filter(staff__isnull=False)
        windows = Window.objects.select_related("hall")
        if not user.is_superuser:
            staff = staff.filter(staff__hall_id=hall_id) if hall_id else staff.none()
            windows = windows.filter(hall_id=hall_id) if hall_id else windows.none()
        cast(forms.ModelChoiceField, self.fields["actor"]).queryset = staff.order_by("username")
        cast(forms.ModelChoiceField, self.fields["window"]).queryset = windows
        cast(
            forms.ModelChoiceField, self.fields["business_type"]
        ).queryset = BusinessType.objects.all()
        kinds = sorted({name.split(".")[0] + "." for name in audit.ACTIONS})
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("全部")),
            *[(k, k + "*") for k in kinds],
            *[(name, f"{label}（{name}）") for name, label in audit.ACTIONS.items()],
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class AuditMixin(LoginRequiredMixin):
    """The desk is for auditors and hall admins (and a superuser)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_read_audit(request.user):
            raise PermissionDenied(DENIED_AUDIT)
        return super().dispatch(request, *args, **kwargs)


class AuditLogView(AuditMixin, TemplateView):
    """The log, filtered, newest first, one keyset page at a time; every row links to its
    case's timeline or its subject."""

    template_name = "counterhall/audit/log.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None, user=self.request.user)
        entries, cursor = auditlog.audit_log(
            user=self.request.user, after=self.request.GET.get("after", ""), **form.filters()
        )
        ctx.update(form=form, entries=entries, **pager_queries(self.request, cursor))
        return ctx


class AuditExportView(AuditMixin, View):
    """CSV of the filtered log (every page), streamed row by row in constant memory."""

    def get(self, request):
        form = AuditFilterForm(request.GET or None, user=request.user)
        entries = auditlog.filter_entries(
            auditlog.entries_visible_to(request.user), user=request.user, **form.filters()
        )
        response = StreamingHttpResponse(
            auditlog.iter_chunks(auditlog.csv_rows(entries)), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


class AuditCaseView(AuditMixin, TemplateView):
    """A case's timeline: every step, who, when, how long it waited in each state, the
    documents, the figures at each step, the signatures and the findings."""

    template_name = "counterhall/audit/timeline.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        timeline = auditlog.case_timeline(user=self.request.user, case_id=kwargs["pk"])
        case = timeline.case
        documents = {d.code: d for d in case.business_type.documents.all()}
        ctx.update(
            timeline=timeline,
            case=case,
            document_rows=[
                (documents[code], entry)
                for code, entry in case.documents.items()
                if code in documents
            ],
            figures_template=selectors.figures_template(case),
        )
        return ctx


class PiiViewsView(AuditMixin, TemplateView):
    """The views of full ID and account numbers, per staff member."""

    template_name = "counterhall/audit/pii_views.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None, user=self.request.user)
        filters = form.filters()
        ctx.update(
            form=form,
            groups=auditlog.pii_views(
                user=self.request.user,
                date_from=filters.get("date_from"),
                date_to=filters.get("date_to"),
            ),
        )
        return ctx


# --------------------------------------------------------------------------- spot checks


class SampleForm(forms.Form):
    date_from = forms.DateField(label=_("办结日期自"), widget=_date_input())
    date_to = forms.DateField(label=_("至"), widget=_date_input())
    business_types = forms.ModelMultipleChoiceField(
        label=_("业务类型"),
        queryset=BusinessType.objects.filter(active=True),
        required=False,
        to_field_name="code",
    )
    percent = forms.DecimalField(
        label=_("抽查比例（%）"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        required=False,
    )
    amount_over = forms.DecimalField(
        label=_("金额超过（元）全部抽查"), min_value=Decimal("0"), decimal_places=2, required=False
    )
    monthly_cap = forms.IntegerField(label=_("每月最多抽查（件）"), min_value=1, required=False)
    seed = forms.IntegerField(
        label=_("随机种子（重抽时填写）"), min_value=0, max_value=2**62, required=False
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("business_types") and not data.get("percent"):
            self.add_error("percent", _("请填写所选业务类型的抽查比例。"))
        if data.get("percent") and not data.get("business_types"):
            self.add_error("business_types", _("请选择按比例抽查的业务类型。"))
        return data

    def percentages(self) -> dict[str, Decimal]:
        data = self.cleaned_data
        return {bt.code: data["percent"] for bt in data.get("business_types") or []}


class SampleListView(AuditMixin, TemplateView):
    """The hall's spot-check samples, and drawing a new one (auditors)."""

    template_name = "counterhall/audit/samples.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", SampleForm())
        ctx["samples"] = list(spotchecks.samples_visible_to(self.request.user)[:100])
        ctx["may_draw"] = permissions.can_spot_check(self.request.user)
        return ctx

    def post(self, request, *args, **kwargs):
        form = SampleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with user_errors(request, form=form) as outcome:
                sample = spotchecks.sample_draw(
                    actor=request.user,
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    percentages=form.percentages(),
                    amount_over=data.get("amount_over"),
                    monthly_cap=data.get("monthly_cap"),
                    seed=data.get("seed"),
                )
            if outcome.ok:
                messages.success(
                    request, _("已抽取 %(n)s 件业务。") % {"n": sample.findings.count()}
                )
                return redirect("audit-sample", pk=sample.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class FindingForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("检查结论"),
        choices=[(FindingVerdict.IN_ORDER, _("合规")), (FindingVerdict.PROBLEM, _("发现问题"))],
        widget=forms.RadioSelect,
    )
    rule_broken = forms.CharField(label=_("违反的规定"), required=False, max_length=200)
    note = forms.CharField(
        label=_("检查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SampleDetailView(AuditMixin, TemplateView):
    """One sample's findings report (printable on A4) with a form per pending case."""

    template_name = "counterhall/audit/sample.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sample = spotchecks.sample_get(user=self.request.user, sample_id=kwargs["pk"])
        findings = list(spotchecks.sample_findings(sample))
        may_judge = permissions.can_spot_check(self.request.user)
        ctx.update(
            sample=sample,
            findings=findings,
            may_judge=may_judge,
            form=FindingForm(),
            reasons=spotchecks.REASONS,
            counts={v: sum(1 for f in findings if f.verdict == v) for v in FindingVerdict.values},
            printed_on=timezone.localdate(),
        )
        return ctx


class SamplePrintView(SampleDetailView):
    """The findings report on A4."""

    template_name = "counterhall/audit/sample_print.html"


class FindingView(AuditMixin, View):
    def post(self, request, pk):
        form = FindingForm(request.POST)
        sample_id = request.POST.get("sample", "")
        if form.is_valid():
            with user_errors(request) as outcome:
                finding = spotchecks.finding_record(
                    actor=request.user, finding_id=pk, **form.cleaned_data
                )
            if outcome.ok:
                messages.success(
                    request, _("已记录 %(number)s 的抽查结论。") % {"number": finding.case.number}
                )
                return redirect("audit-sample", pk=finding.sample_id)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return (
            redirect("audit-sample", pk=int(sample_id))
            if sample_id.isdigit()
            else redirect("audit-samples")
        )


class SampleExportView(AuditMixin, View):
    """The findings report of one sample as CSV (UTF-8 with BOM)."""

    def get(self, request, pk):
        sample = spotchecks.sample_get(user=request.user, sample_id=pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="spot-check-{sample.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                "业务编号",
                "业务类型",
                "办结时间",
                "受理柜员",
                "复核员",
                "抽中原因",
                "检查结论",
                "违反的规定",
                "检查意见",
                "检查人",
                "检查时间",
            ]
        )
        for f in spotchecks.sample_findings(sample):
            case = f.case
            writer.writerow(
                [
                    auditlog.csv_cell(c)
                    for c in (
                        case.number,
                        case.business_type.name,
                        timezone.localtime(case.completed_at).strftime("%Y-%m-%d %H:%M")
                        if case.completed_at
                        else "",
                        permissions.staff_name(case.teller),
                        permissions.staff_name(case.reviewer),
                        spotchecks.REASONS.get(f.reason, f.reason),
                        f.get_verdict_display(),
                        f.rule_broken,
                        f.note,
                        permissions.staff_name(f.judged_by),
                        timezone.localtime(f.judged_at).strftime("%Y-%m-%d %H:%M")
                        if f.judged_at
                        else "",
                    )
                ]
            )
        return response


# --------------------------------------------------------------------------- 显示完整号码


class CaseRevealView(LoginRequiredMixin, View):
    """显示完整号码: the case page drawn once with full numbers, the view recorded."""

    def post(self, request, pk):
        from counterhall.views import CaseDetailView

        case = selectors.case_detail(user=request.user, case_id=pk)
        with user_errors(request) as outcome:
            services.pii_reveal_record(actor=request.user, case=case)
        if not outcome.ok:
            return redirect("case-detail", pk=pk)
        view = CaseDetailView()
        view.setup(request, pk=pk)
        return view.render_to_response(view.get_context_data(pk=pk, pii_revealed=True))
