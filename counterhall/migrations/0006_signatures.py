"""Sign-off signatures as rows (case, role, signer, acting-for, time) instead of the
``Case.signoffs`` JSON field ({role: {"user", "name", "at"}}); existing signatures are
carried over, and back on reversal."""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def signoffs_to_rows(apps, schema_editor):
    Case = apps.get_model("counterhall", "Case")
    Signature = apps.get_model("counterhall", "Signature")
    rows = []
    for case in Case.objects.exclude(signoffs={}).only("pk", "signoffs", "signed_at", "updated_at"):
        for role, entry in (case.signoffs or {}).items():
            at = entry.get("at")
            rows.append(
                Signature(
                    case_id=case.pk,
                    role=role,
                    signer_id=entry["user"],
                    signed_at=dt.datetime.fromisoformat(at)
                    if at
                    else case.signed_at or case.updated_at,
                )
            )
    Signature.objects.bulk_create(rows, batch_size=1000)


def rows_to_signoffs(apps, schema_editor):
    Case = apps.get_model("counterhall", "Case")
    Signature = apps.get_model("counterhall", "Signature")
    by_case = {}
    for s in Signature.objects.select_related("signer").order_by("signed_at", "pk"):
        by_case.setdefault(s.case_id, {})[s.role] = {
            "user": s.signer_id,
            "name": s.signer.get_username(),
            "at": s.signed_at.isoformat(),
        }
    for case_id, signoffs in by_case.items():
        Case.objects.filter(pk=case_id).update(signoffs=signoffs)


class Migration(migrations.Migration):
    dependencies = [
        ("counterhall", "0005_case_subjects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Signature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("role", models.CharField(max_length=20, verbose_name="签批角色")),
                ("signed_at", models.DateTimeField(verbose_name="签批时间")),
                (
                    "acting_for",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures_by_delegate",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="代签对象",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signatures",
                        to="counterhall.case",
                        verbose_name="业务",
                    ),
                ),
                (
                    "signer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="签批人",
                    ),
                ),
            ],
            options={
                "verbose_name": "签批记录",
                "verbose_name_plural": "签批记录",
                "ordering": ["signed_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("case", "role"), name="signature_one_per_role")
                ],
            },
        ),
        migrations.RunPython(signoffs_to_rows, rows_to_signoffs),
        migrations.RemoveField(
            model_name="case",
            name="signoffs",
        ),
    ]
