"""Read-only admin views of contribution data (writes go through contributions.services)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contributions.models import (
    AccountEntry,
    AssessmentBill,
    Contribution,
    CreditedMonth,
    DeclaredBase,
    Refund,
)
from counterhall.admin import BigTableAdmin, year_filter


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeclaredBase)
class DeclaredBaseAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["person", "employer", "year", "declared_wage", "base"]
    list_filter = [year_filter("year", _("年度"))]
    list_select_related = ["person", "employer"]


@admin.register(AssessmentBill)
class AssessmentBillAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["kind", "employer", "person", "period", "total", "late_fee", "status"]
    list_filter = ["kind", "status", "period"]
    list_select_related = ["person", "employer"]


@admin.register(Contribution)
class ContributionAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = [
        "person",
        "period",
        "scheme",
        "base",
        "employer_amount",
        "individual_amount",
        "status",
    ]
    list_filter = ["scheme", "status"]
    list_select_related = ["person"]


@admin.register(AccountEntry)
class AccountEntryAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["person", "on", "kind", "amount"]
    list_filter = ["kind", year_filter("year", _("记账年度"))]
    list_select_related = ["person"]


@admin.register(Refund)
class RefundAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["employer", "person", "amount", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["person", "employer"]


@admin.register(CreditedMonth)
class CreditedMonthAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["person", "scheme", "period", "base", "source_agency"]
    list_filter = ["scheme"]
    list_select_related = ["person"]
