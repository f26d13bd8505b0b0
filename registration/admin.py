"""Read-only admin views of registration master data: every change goes through a case and
registration.services (with its audit entry), never through the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from counterhall.admin import BigTableAdmin, MaskedReadOnlyAdmin, fixed_filter
from registration.models import Employer, Employment, Enrollment, FlexibleWorker, InsuredPerson


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Employer)
class EmployerAdmin(BigTableAdmin, MaskedReadOnlyAdmin):
    masked_model = Employer
    pii_fields = ("bank_account",)
    list_display = ["uscc", "name", "injury_class", "status", "registered_on", "deregistered_on"]
    list_filter = [
        "status",
        fixed_filter(
            "injury_class",
            _("工伤保险行业风险类别"),
            lambda: [(str(c), str(c)) for c in range(1, 9)],
        ),
    ]
    search_fields = ["uscc__startswith", "name__exact"]
    ordering = ("name", "pk")
    sortable_by = ("name",)


@admin.register(InsuredPerson)
class InsuredPersonAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["name", "id_masked", "sex", "birth_date", "retirement_category", "status"]
    list_filter = ["status", "retirement_category", "sex"]
    search_fields = ["name__exact", "id_number__exact"]
    ordering = ("name", "pk")
    sortable_by = ("name",)
    exclude = ["id_number"]
    readonly_fields = ["id_masked"]


@admin.register(Employment)
class EmploymentAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["person", "employer", "start", "end", "end_reason"]
    list_select_related = ["person", "employer"]


@admin.register(Enrollment)
class EnrollmentAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["person", "scheme", "employer", "status", "start", "end"]
    list_filter = ["scheme", "status"]
    list_select_related = ["person", "employer"]


@admin.register(FlexibleWorker)
class FlexibleWorkerAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["person", "base_ratio", "start", "end"]
    list_select_related = ["person"]
