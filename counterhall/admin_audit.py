"""Every edit made in the Django admin writes an audit entry with before and after.

One mechanism for every admin page: ``AuditedAdminSite`` (the project's default admin site,
``counterhall.apps.CounterhallAdminConfig``) mixes ``AuditedAdminMixin`` into every
ModelAdmin registered with it — the core's, the business apps', Django's and the libraries'
— so parameters, catalogue, calendar, halls, windows, users and object-permission grants
are all covered without a line in each admin class. The entries are written in the admin's
own transaction (``changeform_view`` and ``delete_view`` run in ``transaction.atomic``).

Secrets are never written: a user's password hash and an API token's key are left out.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core import serializers
from django.db import transaction
from django.utils import translation

from counterhall import audit

SECRET_FIELDS = {"password"}
SECRET_MODEL_FIELDS = {"authtoken.token": {"key"}, "authtoken.tokenproxy": {"key"}}


def _fields(obj) -> dict:
    data = serializers.serialize("python", [obj])[0]["fields"]
    hidden = SECRET_FIELDS | SECRET_MODEL_FIELDS.get(obj._meta.label_lower, set())
    return {name: value for name, value in data.items() if name not in hidden}


def snapshot(obj, inline_models=()) -> dict:
    """The object's fields (many-to-many as lists of ids) and its inline objects' fields."""
    data = _fields(obj)
    for relation in obj._meta.related_objects:
        if relation.related_model not in inline_models:
            continue
        if relation.one_to_one:
            related = getattr(obj, relation.get_accessor_name(), None) if obj.pk else None
            data[relation.get_accessor_name()] = _fields(related) if related else None
        elif relation.one_to_many and obj.pk:
            manager = getattr(obj, relation.get_accessor_name())
            data[relation.get_accessor_name()] = [_fields(r) for r in manager.order_by("pk")]
    return data


def _message_text(message) -> str:
    if not isinstance(message, list):
        return str(message or "")
    with translation.override(settings.LANGUAGE_CODE):
        return LogEntry(change_message=json.dumps(message)).get_change_message()


class AuditedAdminMixin:
    """Audit entries for additions, changes, deletions and object-permission grants."""

    def _inline_models(self):
        return tuple(inline.model for inline in getattr(self, "inlines", ()))

    def _snapshot(self, obj):
        return snapshot(obj, self._inline_models())

    def _before(self, request) -> dict:
        if not hasattr(request, "counterhall_audit_before"):
            request.counterhall_audit_before = {}
        return request.counterhall_audit_before

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            # the row as stored (the form has already changed ``obj``), with its inlines
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                self._before(request)[(obj._meta.label_lower, obj.pk)] = self._snapshot(stored)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        audit.record(
            actor=request.user,
            action="admin.add",
            target=obj,
            after=self._snapshot(obj),
            note=_message_text(message),
        )
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        before = self._before(request).pop((obj._meta.label_lower, obj.pk), None)
        audit.record(
            actor=request.user,
            action="admin.change",
            target=obj,
            before=before,
            after=self._snapshot(obj),
            note=_message_text(message),
        )
        return entry

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(
                actor=request.user, action="admin.delete", target=obj, before=self._snapshot(obj)
            )
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit.record(
                    actor=request.user,
                    action="admin.delete",
                    target=obj,
                    before=self._snapshot(obj),
                )
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    # django-guardian's object-permission pages (GuardedModelAdmin): who may work where.
    def _granted(self, holder_kind, holder_id, object_pk):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from guardian.shortcuts import get_group_perms, get_user_perms

        obj = self.model._default_manager.filter(pk=object_pk).first()  # type: ignore[attr-defined]
        model = get_user_model() if holder_kind == "user" else Group
        holder = model._default_manager.filter(pk=holder_id).first()
        if obj is None or holder is None:
            return obj, holder, None
        perms = (
            get_user_perms(holder, obj) if holder_kind == "user" else get_group_perms(holder, obj)
        )
        return obj, holder, sorted(perms)

    def _audited_grant(self, view, request, object_pk, holder_kind, holder_id):
        if request.method != "POST":
            return view(request, object_pk, holder_id)
        with transaction.atomic():
            _obj, _holder, before = self._granted(holder_kind, holder_id, object_pk)
            response = view(request, object_pk, holder_id)
            obj, holder, after = self._granted(holder_kind, holder_id, object_pk)
            if obj is not None and after != before:
                audit.record(
                    actor=request.user,
                    action="admin.grant",
                    target=obj,
                    before={holder_kind: str(holder), "permissions": before},
                    after={holder_kind: str(holder), "permissions": after},
                )
        return response

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        view = super().obj_perms_manage_user_view  # type: ignore[misc]
        return self._audited_grant(view, request, object_pk, "user", user_id)

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        view = super().obj_perms_manage_group_view  # type: ignore[misc]
        return self._audited_grant(view, request, object_pk, "group", group_id)


class AuditedAdminSite(admin.AdminSite):
    """The default admin site: every ModelAdmin registered gets ``AuditedAdminMixin``."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
