from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = "养老失业待遇"

    def ready(self) -> None:
        from benefits import demo, handlers
        from counterhall import audit, registry
        from counterhall import demo as hall_demo

        for name, label in [
            ("pension.award", _("核定退休待遇")),
            ("retirement.flexible", _("弹性退休核准")),
            ("unemployment.claim", _("核定失业保险金")),
            ("unemployment.change", _("失业保险待遇变更")),
            ("unemployment.transfer_out", _("失业保险关系转出")),
            ("unemployment.transfer_in", _("失业保险关系转入")),
        ]:
            audit.register_action(name, label)
        registry.register_all(handlers.HANDLERS)
        hall_demo.register(demo.build)
