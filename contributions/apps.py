from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "征缴核定"

    def ready(self) -> None:
        from contributions import selectors
        from counterhall import audit
        from registration.services import register_deregistration_check

        for name, label in [
            ("contribution.base_declare", _("缴费基数核定")),
            ("contribution.bill", _("生成核定单")),
            ("contribution.payment", _("登记缴费")),
            ("contribution.backpay", _("补缴核定")),
            ("contribution.refund", _("退费登记")),
            ("account.post", _("个人账户记账")),
            ("account.interest", _("个人账户记账利息")),
        ]:
            audit.register_action(name, label)
        register_deregistration_check(selectors.arrears_blocker)
        from contributions import handlers  # CON01–CON04 and REG04
        from contributions.demo import build
        from counterhall import demo, registry

        registry.register_all(handlers.HANDLERS)
        demo.register(build)
