"""The electronic case file (电子档案): the scanned pages of a case's required documents.

The files live in the ``casefile`` storage (settings.STORAGES: the filesystem, or an
S3-compatible object store); the database keeps what an auditor relies on — case, document,
page number, content type, size, SHA-256, who added the page and when, and why when it was
added after submission. Writes only through ``counterhall.services.case_pages_add`` /
``case_page_remove`` (each with its audit entry carrying the digest).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.models.case import Case


class PageType(models.TextChoices):
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    PDF = "application/pdf", "PDF"


class DocumentPage(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="pages", verbose_name=_("业务")
    )
    document_code = models.SlugField(_("要件代码"), max_length=40)
    number = models.PositiveIntegerField(_("页码"))
    file_name = models.CharField(_("存储名称"), max_length=255, unique=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=40, choices=PageType.choices)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pages_added",
        verbose_name=_("扫描人"),
    )
    added_at = models.DateTimeField(_("扫描时间"), default=timezone.now)
    reason = models.CharField(_("补充原因"), max_length=500, blank=True)

    class Meta:
        ordering = ["case", "document_code", "number"]
        verbose_name = _("要件页面")
        verbose_name_plural = _("要件页面")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "document_code", "number"], name="page_number_unique_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.document_code} p{self.number}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == PageType.PDF
