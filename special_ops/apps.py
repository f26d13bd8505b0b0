from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpecialOpsConfig(AppConfig):
    name = "special_ops"
    verbose_name = "特殊性业务"

    def ready(self) -> None:
        from counterhall import audit, registry
        from counterhall import demo as hall_demo
        from special_ops import demo, handlers

        audit.register_action("payout.record", _("登记待遇支付"))
        audit.register_action("abroad.notice_print", _("打印出国定居告知书"))
        registry.register_all(handlers.HANDLERS)
        hall_demo.register(demo.build)
