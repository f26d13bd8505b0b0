from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = "关系转移"

    def ready(self) -> None:
        from counterhall import audit, registry
        from transfers import handlers

        for name, label in [
            ("transfer.pension_out", _("养老保险关系转出")),
            ("transfer.pension_in", _("养老保险关系转入")),
            ("transfer.unemployment", _("失业保险关系转移")),
        ]:
            audit.register_action(name, label)
        registry.register_all(handlers.HANDLERS)
