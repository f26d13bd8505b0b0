"""The append-only audit log and its seals (written by counterhall.audit)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.models.halls import Hall


class AuditEntry(models.Model):
    """One line of the append-only audit log. Written only by counterhall.audit.record()."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150)
    hall = models.ForeignKey(
        Hall,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("大厅"),
    )
    action = models.CharField(_("动作"), max_length=60, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    target_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("变更后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("说明"), blank=True)
    digest = models.CharField(_("摘要"), max_length=64, editable=False)
    # Which key the digest is an HMAC with ("" = plain SHA-256): see counterhall.audit.
    key_id = models.CharField(_("密钥标识"), max_length=16, blank=True, default="", editable=False)
    # Chain position and chain link, assigned once by audit.seal() (the PostgreSQL trigger
    # lets an UPDATE set these two columns on an unsealed entry and nothing else).
    seq = models.BigIntegerField(_("链位置"), null=True, blank=True, unique=True, editable=False)
    chain = models.CharField(_("链摘要"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            # the auditor's desk: newest first within a hall, a staff member or an action
            # kind, paged by keyset on (at, id)
            models.Index(fields=["hall", "-at", "-id"], name="audit_hall_at_idx"),
            models.Index(fields=["actor", "-at", "-id"], name="audit_actor_at_idx"),
            models.Index(fields=["action", "-at", "-id"], name="audit_action_at_idx"),
            # the review queue's statistics: one hall's claims (an action) since a time
            models.Index(fields=["hall", "action", "at"], name="audit_hall_action_at_idx"),
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("审计日志只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计日志只能追加，不能删除。"))


class AuditSeal(models.Model):
    """A sealed run of chained audit entries: chain positions ``first_seq`` to ``last_seq``
    (entries ``first_entry_id`` to ``last_entry_id``); ``digest`` is the chain link of the
    last entry, ``previous_digest`` the previous seal's digest. Append-only like entries."""

    first_seq = models.BigIntegerField()
    first_entry_id = models.BigIntegerField()
    last_entry_id = models.BigIntegerField(unique=True)
    entry_count = models.PositiveIntegerField()
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["last_entry_id"]
        verbose_name = _("审计封存")
        verbose_name_plural = _("审计封存")

    def __str__(self) -> str:
        return f"#{self.first_entry_id}–#{self.last_entry_id} {self.digest[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("审计封存只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计封存只能追加，不能删除。"))

    @property
    def last_seq(self) -> int:
        return self.first_seq + self.entry_count - 1
