from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from counterhall.models import (
    AuditEntry,
    AuditSeal,
    Bundle,
    BundleIntake,
    BundleItem,
    BusinessType,
    CalendarDay,
    Case,
    DocumentPage,
    Hall,
    PolicyParameter,
    RequiredDocument,
    StaffProfile,
    Window,
)
from counterhall.roles import SIGNOFF_ROLES

User = get_user_model()


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "phone", "claim_idle_minutes"]


@admin.register(Window)
class WindowAdmin(GuardedModelAdmin):
    """Windows; ‘对象权限’ grants work_at_window to the staff who may work there."""

    list_display = ["hall", "number", "kind"]
    list_filter = ["hall", "kind"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class BusinessTypeForm(forms.ModelForm):
    signoff_roles = forms.MultipleChoiceField(
        label=_("集中签批角色"),
        choices=[(r.value, r.label) for r in SIGNOFF_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = BusinessType
        fields = [
            "code",
            "name",
            "name_en",
            "category",
            "is_special",
            "completion_mode",
            "limit_days",
            "signoff_roles",
            "active",
            "position",
            "baseline_steps",
            "baseline_trips_min",
            "baseline_trips_max",
            "baseline_floors",
            "baseline_minutes",
            "baseline_source",
        ]


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    form = BusinessTypeForm
    list_display = [
        "code",
        "name",
        "category",
        "is_special",
        "completion_mode",
        "limit_days",
        "active",
    ]
    list_filter = ["category", "is_special", "completion_mode", "active"]
    inlines = [RequiredDocumentInline]
    search_fields = ["code", "name", "name_en"]


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 1
    autocomplete_fields = ["business_type"]


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    """一件事一次办: the hall admin edits the bundles and their types (in order)."""

    list_display = ["code", "name", "name_en", "active", "position"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_en"]
    inlines = [BundleItemInline]


@admin.register(PolicyParameter)
class PolicyParameterAdmin(admin.ModelAdmin):
    list_display = ["key", "region", "value", "effective_from", "effective_to", "tag"]
    list_filter = ["tag", "region"]
    search_fields = ["key", "note"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only services write: visible in the admin, never edited there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MaskedReadOnlyAdmin(ReadOnlyAdmin):
    """A read-only admin whose ``pii_fields`` (JSON or text that may hold ID and bank account
    numbers) are shown through counterhall.pii, like every screen: each is replaced on the
    page by a ``masked_<field>`` display of the same label."""

    pii_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.pii_fields:
            setattr(cls, f"masked_{name}", _masked_display(cls, name))

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *self.pii_fields]

    def get_readonly_fields(self, request, obj=None):
        masked = [f"masked_{name}" for name in self.pii_fields]
        return [*super().get_readonly_fields(request, obj), *masked]


def _masked_display(admin_class, name: str):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from counterhall.pii import masked

    def display(self, obj):
        value = masked(getattr(obj, name))
        if isinstance(value, dict | list):
            return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        return value

    model = getattr(admin_class, "masked_model", None)
    label = model._meta.get_field(name).verbose_name if model else name
    return admin.display(description=label)(display)


@admin.register(Case)
class CaseAdmin(MaskedReadOnlyAdmin):
    masked_model = Case
    pii_fields = ("payload", "figures", "decision_note", "return_reasons")
    list_display = ["number", "business_type", "state", "teller", "reviewer", "created_at"]
    list_filter = ["state", "business_type", "hall"]
    search_fields = ["number", "applicant_name"]
    list_select_related = ["business_type", "teller", "reviewer"]


@admin.register(BundleIntake)
class BundleIntakeAdmin(ReadOnlyAdmin):
    list_display = ["bundle", "hall", "window", "teller", "created_at"]


@admin.register(DocumentPage)
class DocumentPageAdmin(ReadOnlyAdmin):
    list_display = ["case", "document_code", "number", "content_type", "size", "added_by"]
    search_fields = ["case__number", "sha256"]
    list_select_related = ["case", "added_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(MaskedReadOnlyAdmin):
    masked_model = AuditEntry
    pii_fields = ("target_label", "before", "after", "note")
    list_display = ["at", "actor_name", "action", "masked_target_label"]
    list_filter = ["action"]
    search_fields = ["target_label", "actor_name", "target_id"]
    date_hierarchy = "at"


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ["first_entry_id", "last_entry_id", "entry_count", "digest", "sealed_at"]
