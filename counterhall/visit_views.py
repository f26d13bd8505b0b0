"""Pages of the visit: the entrance's ticket desk and slip, the window's call (posted from
the teller's home page), the hall display, the window's rating tablet and the
rectification list. Views are thin: a form, one service or selector, render or redirect.

The display and the tablet need no login: they run on the hall's own screens (a TV, a
tablet fixed at the window) and show no personal data; the tablet may only rate the visit
its own window served in the past half hour, once (see docs/architecture.md, "Visits")."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from counterhall import permissions, polls, visit_selectors, visit_services
from counterhall.models import (
    RatingGrade,
    Rectification,
    Visit,
    VisitCategory,
    Window,
)
from counterhall.views import HtmxLoginRequiredMixin
from counterhall.web import user_errors

# Common reasons offered with a rating (GB/T 39735-2020 lists the service's aspects).
RATING_REASONS = [  # (stored text, shown text)
    ("等候时间长", _("等候时间长")),
    ("服务态度", _("服务态度")),
    ("办事效率", _("办事效率")),
    ("一次告知不清", _("一次告知不清")),
    ("材料要求多", _("材料要求多")),
    ("环境设施", _("环境设施")),
]


class TicketForm(forms.Form):
    category = forms.ChoiceField(label=_("业务类别"), choices=VisitCategory.choices)
    priority = forms.BooleanField(label=_("预约或优先办理"), required=False)
    applicant_name = forms.CharField(
        label=_("办事人姓名（可不填）"), max_length=100, required=False
    )


class TransferForm(forms.Form):
    to_window = forms.ModelChoiceField(label=_("转至窗口"), queryset=Window.objects.none())
    reason = forms.CharField(label=_("转窗原因"), max_length=200)
    seen_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, windows=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_window"]
        if windows is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = windows


class RatingForm(forms.Form):
    visit = forms.IntegerField(widget=forms.HiddenInput)
    grade = forms.TypedChoiceField(
        choices=RatingGrade.choices, coerce=int, required=False, empty_value=None
    )
    decline = forms.BooleanField(required=False)
    reasons = forms.MultipleChoiceField(
        label=_("原因（可多选）"),
        choices=RATING_REASONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("意见建议（可不填）"), max_length=500, required=False, widget=forms.Textarea
    )


class CallbackForm(forms.Form):
    outcome = forms.CharField(label=_("回访结果"), widget=forms.Textarea)
    measures = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("home")


# --------------------------------------------------------------------------- the entrance


class TicketIssueView(LoginRequiredMixin, TemplateView):
    """取号: the guide's desk (or a kiosk signed in as the desk) issues a ticket and prints
    the slip."""

    template_name = "counterhall/visit_tickets.html"

    def _hall(self):
        hall = permissions.user_hall(self.request.user)
        if hall is None or not permissions.can_issue_ticket(self.request.user, hall):
            raise PermissionDenied(permissions.DENIED_TICKETS)
        return hall

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        hall = self._hall()
        ctx.setdefault("form", TicketForm())
        ctx.update(
            hall=hall,
            categories=VisitCategory.choices,
            waiting=visit_selectors.waiting_counts(hall),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        hall = self._hall()
        form = TicketForm(request.POST)
        if form.is_valid():
            with user_errors(request, form=form) as outcome:
                visit = visit_services.visit_issue(
                    actor=request.user,
                    hall=hall,
                    category=form.cleaned_data["category"],
                    priority=form.cleaned_data["priority"],
                    applicant_name=form.cleaned_data["applicant_name"],
                )
            if outcome.ok:
                return redirect("visit-slip", pk=visit.pk)
        return self.render_to_response(self.get_context_data(form=form))


class TicketSlipView(LoginRequiredMixin, TemplateView):
    """The ticket slip: 58/80 mm receipt printers (``?paper=58|80``) or A4."""

    template_name = "counterhall/visit_slip.html"
    PAPERS = ("80", "58", "a4")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        visit = get_object_or_404(
            Visit.objects.select_related("hall"),
            pk=kwargs["pk"],
            hall_id=permissions.user_hall_id(self.request.user),
        )
        paper = self.request.GET.get("paper", "80")
        ctx.update(
            visit=visit,
            ahead=visit_selectors.waiting_ahead(visit),
            paper=paper if paper in self.PAPERS else "80",
            papers=self.PAPERS,
        )
        return ctx


# --------------------------------------------------------------------------- the window


class VisitCallView(LoginRequiredMixin, View):
    """叫号 at one of the teller's windows."""

    def post(self, request):
        window = get_object_or_404(Window, pk=request.POST.get("window") or 0)
        with user_errors(request) as outcome:
            visit = visit_services.visit_call(actor=request.user, window=window)
        if outcome.ok:
            messages.success(
                request,
                _("已呼叫 %(ticket)s 号到 %(window)s 号窗口。")
                % {"ticket": visit.ticket, "window": window.number},
            )
        return _back(request)


class VisitActView(LoginRequiredMixin, View):
    """重呼, 过号, 开始办理, 办理结束 on the teller's current visit."""

    def post(self, request, pk, act):
        kwargs = {"actor": request.user, "visit_id": pk}
        with user_errors(request) as outcome:
            if act == "recall":
                seen = request.POST.get("seen_calls", "")
                visit_services.visit_recall(
                    **kwargs, seen_calls=int(seen) if seen.isdigit() else None
                )
                done = _("已重呼。")
            elif act == "no-show":
                visit_services.visit_no_show(**kwargs)
                done = _("已过号。")
            elif act == "start":
                visit_services.visit_start(**kwargs)
                done = _("开始办理。")
            elif act == "end":
                visit_services.visit_end(**kwargs)
                done = _("办理结束，请办事人在评价器上评价。")
            else:
                raise PermissionDenied
        if outcome.ok:
            messages.success(request, done)
        return _back(request)


class VisitTransferView(LoginRequiredMixin, View):
    """转窗: the current ticket goes to another window of its kind, with a reason."""

    def post(self, request, pk):
        visit = get_object_or_404(Visit, pk=pk, teller=request.user)
        form = TransferForm(request.POST, windows=Window.objects.filter(hall_id=visit.hall_id))
        if not form.is_valid():
            messages.error(request, _("请选择转至窗口并填写转窗原因。"))
            return _back(request)
        with user_errors(request) as outcome:
            visit_services.visit_transfer(
                actor=request.user,
                visit_id=pk,
                seen_status=form.cleaned_data["seen_status"],
                to_window=form.cleaned_data["to_window"],
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("已转至 %(window)s 号窗口。") % {"window": form.cleaned_data["to_window"].number},
            )
        return _back(request)


class CallPanelView(HtmxLoginRequiredMixin, polls.PolledFragmentMixin, TemplateView):
    """htmx: the call panel's queue lengths (polled from the home page; "unchanged" answers
    204 from the hall's visits version: ``counterhall.polls``)."""

    template_name = "counterhall/_call_queue.html"
    poll_scopes = (polls.VISITS,)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["data"] = {"windows": visit_selectors.call_queue(user=self.request.user)}
        return ctx


# --------------------------------------------------------------------------- the hall's screens


class HallDisplayView(TemplateView):
    """The hall's TV: the last calls and each window's current ticket (no login)."""

    template_name = "counterhall/visit_display.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["counterhall/_display_board.html"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        # the hall with its visits version in one query; the board shows the clock's minute
        self.hall, self.poll_version = polls.hall_with_version(
            kwargs["code"], (polls.VISITS,), bucket_seconds=60
        )
        if self.hall is None:
            raise Http404
        if request.headers.get("HX-Request") and polls.unchanged(request, self.poll_version):
            return polls.not_modified()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            visit_selectors.display_board(self.hall),
            now=timezone.localtime(),
            poll_version=self.poll_version,
        )
        return ctx


class RatingTabletView(TemplateView):
    """The window's rating tablet (好差评, no login): the visit just served at this window,
    five grades, reasons, a comment, or 不评价."""

    template_name = "counterhall/visit_rate.html"

    def _window(self, code, number):
        return get_object_or_404(
            Window.objects.select_related("hall"), hall__code=code, number=number
        )

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["counterhall/_rate_panel.html"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        if request.headers.get("HX-Request"):
            _hall, self.poll_version = polls.hall_with_version(
                kwargs["code"], (polls.VISITS,), extra=str(kwargs["number"])
            )
            if polls.unchanged(request, self.poll_version):
                return polls.not_modified()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        window = self._window(kwargs["code"], kwargs["number"])
        visit = visit_selectors.visit_to_rate(window)
        ctx.update(
            poll_version=getattr(self, "poll_version", ""),
            window=window,
            visit=visit,
            grades=RatingGrade.choices,
            thanks=self.request.GET.get("thanks") == "1",
        )
        if visit is not None:
            ctx.setdefault("form", RatingForm(initial={"visit": visit.pk}))
        return ctx

    def post(self, request, code, number):
        window = self._window(code, number)
        form = RatingForm(request.POST)
        visit = visit_selectors.visit_to_rate(window)
        if not form.is_valid() or visit is None or visit.pk != form.cleaned_data["visit"]:
            messages.error(request, _("此次办事已评价或已超过评价时限。"))
            return redirect("visit-rate", code=code, number=number)
        with user_errors(request) as outcome:
            visit_services.visit_rate(
                actor=None,
                visit_id=visit.pk,
                grade=form.cleaned_data["grade"],
                declined=form.cleaned_data["decline"],
                reasons=form.cleaned_data["reasons"],
                comment=form.cleaned_data["comment"],
            )
        if outcome.ok:
            return redirect(
                f"{request.path}?thanks=1",
            )
        return redirect("visit-rate", code=code, number=number)


# --------------------------------------------------------------------------- rectification


class RectificationListView(LoginRequiredMixin, TemplateView):
    """差评整改: the hall's items with their deadlines; the callback closes one."""

    template_name = "counterhall/rectifications.html"

    def dispatch(self, request, *args, **kwargs):
        hall = permissions.user_hall(request.user) if request.user.is_authenticated else None
        if request.user.is_authenticated and (
            hall is None or not permissions.can_handle_rectification(request.user, hall)
        ):
            raise PermissionDenied(permissions.DENIED_RECTIFICATION)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            items=list(visit_selectors.rectifications(user=self.request.user)[:200]),
            form=CallbackForm(),
            today=timezone.localdate(),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        item = get_object_or_404(
            Rectification,
            pk=request.POST.get("item") or 0,
            hall_id=permissions.user_hall_id(request.user),
        )
        form = CallbackForm(request.POST)
        if form.is_valid():
            with user_errors(request) as outcome:
                visit_services.rectification_callback(
                    actor=request.user,
                    rectification_id=item.pk,
                    outcome=form.cleaned_data["outcome"],
                    measures=form.cleaned_data["measures"],
                )
            if outcome.ok:
                messages.success(request, _("回访已登记，整改事项已办结。"))
        else:
            messages.error(request, _("请填写回访结果。"))
        return redirect("visit-rectifications")
