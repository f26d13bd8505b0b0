"""Printable pages of the special window: the SPC02 written notice and the finance officer's
daily payment list (支付清单), A4."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from counterhall import permissions, selectors
from counterhall.money import cents
from counterhall.roles import Role, has_role
from special_ops import selectors as special
from special_ops import services

PAYMENT_LIST_ROLES = (Role.FINANCE, Role.LEADER, Role.AUDITOR, Role.HALL_ADMIN)


class AbroadNoticePrintView(LoginRequiredMixin, TemplateView):
    """出国定居终止基本养老保险关系告知书: printing it is recorded (the SPC02 form needs it
    before the applicant's signed confirmation can be entered)."""

    template_name = "special_ops/print_abroad_notice.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = selectors.case_detail(user=self.request.user, case_id=kwargs["pk"])
        if case.business_type.code != "SPC02":
            raise Http404
        if permissions.can_change_case(case, self.request.user):
            services.notice_print(actor=self.request.user, case=case)
        ctx.update(case=case, person=case.person, today=timezone.localdate())
        return ctx


class PaymentListView(LoginRequiredMixin, TemplateView):
    """The day's payouts of the hall (``?day=YYYY-MM-DD``, default today), for finance."""

    template_name = "special_ops/print_payment_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        hall = permissions.user_hall(user)
        if hall is None or not (user.is_superuser or has_role(user, *PAYMENT_LIST_ROLES)):
            raise Http404
        try:
            day = dt.date.fromisoformat(self.request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        rows = special.payouts_on(day, hall=hall)
        ctx.update(
            hall=hall,
            day=day,
            rows=rows,
            total=cents(rows.aggregate(s=Sum("amount"))["s"] or 0),
            printed_by=user,
        )
        return ctx
