"""Domain errors. Each carries a sentence for the person at the counter."""

from django.utils.translation import gettext_lazy as _

STALE_CASE_MESSAGE = _("此业务已被他人处理，请刷新后重试。")


class DomainError(Exception):
    default_message = _("操作未能完成。")

    def __init__(self, message=None, *, extra: dict | None = None):
        self.message = message or self.default_message
        self.extra = extra or {}
        super().__init__(str(self.message))


class StaleCase(DomainError):
    """Someone else moved the case since the page was loaded."""

    default_message = STALE_CASE_MESSAGE

    def __init__(self, case=None, message=None):
        self.case = case
        super().__init__(message, extra={"case": getattr(case, "number", None)})


class StaleVisit(DomainError):
    """The visit moved (called, served, transferred) since the page was loaded."""

    default_message = _("此号已被处理，请刷新后重试。")

    def __init__(self, visit=None, message=None):
        self.visit = visit
        super().__init__(message, extra={"ticket": getattr(visit, "ticket", None)})


class TransitionNotPossible(DomainError):
    """The case is not in a state (or condition) that allows the act."""

    default_message = _("此业务当前状态不允许该操作。")


class DocumentsMissing(DomainError):
    default_message = _("要件不齐，不能提交复核。")

    def __init__(self, missing: list[str], message=None):
        self.missing = missing
        super().__init__(message, extra={"missing": missing})


class HandlerMissing(DomainError):
    default_message = _("此业务类型尚未开通，不能受理。")


class StorageUnavailable(DomainError):
    """The case file's storage (filesystem or object store) did not take or give a file."""

    default_message = _("电子档案存储暂时不可用，页面未保存，要件清单未改变。请稍后重试。")
