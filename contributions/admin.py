"""Read-only admin views of contribution data (writes go through contributions.services)."""

from django.contrib import admin

from contributions.models import (
    AccountEntry,
    AssessmentBill,
    Contribution,
    CreditedMonth,
    DeclaredBase,
    Refund,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeclaredBase)
class DeclaredBaseAdmin(ReadOnlyAdmin):
    list_display = ["person", "employer", "year", "declared_wage", "base"]
    list_filter = ["year"]
    list_select_related = ["person", "employer"]


@admin.register(AssessmentBill)
class AssessmentBillAdmin(ReadOnlyAdmin):
    list_display = ["kind", "employer", "person", "period", "total", "late_fee", "status"]
    list_filter = ["kind", "status", "period"]
    list_select_related = ["person", "employer"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
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
class AccountEntryAdmin(ReadOnlyAdmin):
    list_display = ["person", "on", "kind", "amount"]
    list_filter = ["kind", "year"]
    list_select_related = ["person"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["employer", "person", "amount", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["person", "employer"]


@admin.register(CreditedMonth)
class CreditedMonthAdmin(ReadOnlyAdmin):
    list_display = ["person", "scheme", "period", "base", "source_agency"]
    list_filter = ["scheme"]
    list_select_related = ["person"]
