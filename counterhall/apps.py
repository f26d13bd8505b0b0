from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterhallConfig(AppConfig):
    name = "counterhall"
    verbose_name = _("服务大厅")

    def ready(self) -> None:
        from counterhall import checks, signals, spotchecks  # noqa: F401  (checks; audit actions)
        from counterhall.actions import register_core_actions

        register_core_actions()
        register_casefile_actions()


def register_casefile_actions() -> None:
    """The electronic case file's audit actions (each names the page's SHA-256)."""
    from counterhall.audit import register_action

    register_action("page.add", _("添加扫描页面"))
    register_action("page.remove", _("删除扫描页面"))
    register_action("page.view", _("查看扫描页面"))
    register_action("case.casefile", _("下载电子档案"))
