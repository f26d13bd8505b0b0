from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterhallConfig(AppConfig):
    name = "counterhall"
    verbose_name = _("服务大厅")

    def ready(self) -> None:
        from counterhall import signals, spotchecks  # noqa: F401  (audit actions)
        from counterhall.actions import register_core_actions

        register_core_actions()
