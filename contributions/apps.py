from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "征缴核定"

    def ready(self) -> None:
        from counterhall import audit

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
        from contributions import handlers  # CON01–CON04, REG03 and REG04
        from contributions.demo import build
        from contributions.lookup import lookup
        from counterhall import demo, registry

        registry.register_all(handlers.HANDLERS)
        registry.register_subject_lookup(lookup)
        from contributions import search as subject_search
        from counterhall import search

        search.register_provider(subject_search.persons)
        search.register_provider(subject_search.employers)
        demo.register(build)
