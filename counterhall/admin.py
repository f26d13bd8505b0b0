import datetime as dt
from typing import ClassVar

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from counterhall import audit
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


# ---------------------------------------------------------------- lists over big tables

ADMIN_COUNT_CAP = 10_000


class BoundedCountPaginator(Paginator):
    """Counts at most ``cap`` rows — ``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``, no
    ORDER BY — so a list over millions of rows costs the same as over ten thousand; past
    the cap the list says "10000+" (admin/pagination.html) and offers the first
    ``cap / per_page`` pages (deeper OFFSETs are not offered: filter instead)."""

    cap = ADMIN_COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows = self.object_list.order_by()  # type: ignore[attr-defined]
        counted = rows[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


class BigTableAdmin(admin.ModelAdmin):
    """The admin over a table a province fills (cases, audit entries, persons,
    contributions…): a fixed number of queries whatever its size — a bounded count, no
    second count of the unfiltered table, no facet counts, no list filter that reads the
    table (no ``AllValuesFieldListFilter``, no ``date_hierarchy``), sorting only by the
    columns an index orders (``sortable_by``; the default ordering is indexed), and searches
    only with lookups an index answers (``name__exact``, ``number__startswith`` on a unique
    column), not the default ``icontains`` that reads every row."""

    paginator = BoundedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    sortable_by: ClassVar[tuple[str, ...]] = ()
    ordering: ClassVar[tuple[str, ...]] = ("-pk",)


class RecentFilter(admin.SimpleListFilter):
    """A time column by the hall's local days (today, the last 7 and 30 days, this year):
    a range on the indexed column, no query to build the choices (date_hierarchy reads
    the distinct dates of the whole table)."""

    field = "created_at"
    title = _("时间")
    parameter_name = "since"
    DAYS = {"today": 0, "7d": 6, "30d": 29}

    def lookups(self, request, model_admin):
        return [("today", _("今天")), ("7d", _("近7天")), ("30d", _("近30天")), ("year", _("今年"))]

    def queryset(self, request, queryset):
        from counterhall.selectors import day_start

        value, today = self.value(), timezone.localdate()
        if value in self.DAYS:
            start = today - dt.timedelta(days=self.DAYS[value])
        elif value == "year":
            start = today.replace(month=1, day=1)
        else:
            return queryset
        return queryset.filter(**{f"{self.field}__gte": day_start(start)})


class AuditAtFilter(RecentFilter):
    field = "at"


class AuditActionFilter(admin.SimpleListFilter):
    """The audit log's actions from the known list (counterhall.audit.ACTIONS), not a
    DISTINCT over millions of entries."""

    title = _("动作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(name, f"{label}（{name}）") for name, label in sorted(audit.ACTIONS.items())]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


def fixed_filter(field: str, title, choices) -> type[admin.SimpleListFilter]:
    """A filter on ``field`` offering a fixed list — ``choices()`` gives (value, label)
    pairs — instead of Django's DISTINCT over the table (``AllValuesFieldListFilter``)."""

    class FixedFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return choices()

        def queryset(self, request, queryset):
            known = {str(value) for value, _label in choices()}
            value = self.value()
            return queryset.filter(**{field: value}) if value in known else queryset

    FixedFilter.title = title
    return FixedFilter


def year_filter(field: str, title, years: int = 10) -> type[admin.SimpleListFilter]:
    """An integer year column: this year and the ``years - 1`` before."""

    def choices():
        this = timezone.localdate().year
        return [(str(y), str(y)) for y in range(this, this - years, -1)]

    return fixed_filter(field, title, choices)


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
class CaseAdmin(BigTableAdmin, MaskedReadOnlyAdmin):
    """Newest first on the (created_at, id) index; found by the start of its number
    (case-sensitive: the unique index answers it)."""

    masked_model = Case
    pii_fields = ("payload", "figures", "decision_note", "return_reasons")
    list_display = ["number", "business_type", "state", "teller", "reviewer", "created_at"]
    list_filter = ["state", "business_type", "hall", RecentFilter]
    search_fields = ["number__startswith"]
    list_select_related = ["business_type", "teller", "reviewer"]
    ordering = ("-created_at", "-pk")
    sortable_by = ("created_at",)


@admin.register(BundleIntake)
class BundleIntakeAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["bundle", "hall", "window", "teller", "created_at"]
    list_select_related = ["bundle", "hall", "window", "teller"]


@admin.register(DocumentPage)
class DocumentPageAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["case", "document_code", "number", "content_type", "size", "added_by"]
    search_fields = ["case__number__exact"]
    list_select_related = ["case", "case__business_type", "added_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(BigTableAdmin, MaskedReadOnlyAdmin):
    """Newest first on the ``at`` index, filtered by action (the known list) and recent
    days; the auditor's desk (/audit/) is the place for searching the log."""

    masked_model = AuditEntry
    pii_fields = ("target_label", "before", "after", "note")
    list_display = ["at", "actor_name", "action", "masked_target_label"]
    list_filter = [AuditActionFilter, AuditAtFilter]
    ordering = ("-at", "-pk")
    sortable_by = ("at",)


@admin.register(AuditSeal)
class AuditSealAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["first_entry_id", "last_entry_id", "entry_count", "digest", "sealed_at"]
