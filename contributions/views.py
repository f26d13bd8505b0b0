"""The person and employer pages: master data (masked), their cases and their contribution
history, within what the user may read."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from contributions import selectors
from counterhall import permissions
from registration import selectors as people

CASES_SHOWN = 50


def _cases(user, **subject):
    return (
        permissions.cases_visible_to(user)
        .filter(**subject)
        .select_related("business_type", "window", "hall", "teller", "reviewer")
        .order_by("-created_at", "-pk")[:CASES_SHOWN]
    )


class _StaffOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.is_hall_staff(request.user):
            raise PermissionDenied(_("只有大厅工作人员可以查看。"))
        return super().dispatch(request, *args, **kwargs)


class PersonDetailView(_StaffOnly, TemplateView):
    template_name = "contributions/person_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        person = get_object_or_404(
            permissions.subjects_visible_to(user, people.all_persons()), pk=kwargs["pk"]
        )
        ctx.update(
            person=person,
            cases=list(_cases(user, person=person)),
            history=selectors.yearly_history(person),
            balance=selectors.account_balance(person_id=person.pk),
        )
        return ctx


class EmployerDetailView(_StaffOnly, TemplateView):
    template_name = "contributions/employer_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        employer = get_object_or_404(
            permissions.subjects_visible_to(user, people.all_employers()), pk=kwargs["pk"]
        )
        ctx.update(
            employer=employer,
            summary=selectors.employer_summary(employer),
            cases=list(_cases(user, employer=employer)),
            bills=list(selectors.bills(employer=employer)[:24]),
        )
        return ctx
