from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "参保登记"

    def ready(self) -> None:
        from counterhall import audit

        for name, label in [
            ("employer.register", _("单位参保登记")),
            ("employer.change", _("单位信息变更")),
            ("employer.deregister", _("单位注销")),
            ("person.register", _("人员登记")),
            ("person.enroll", _("职工增员")),
            ("person.separate", _("职工减员")),
            ("person.flexible_enroll", _("灵活就业人员参保")),
            ("person.status", _("人员状态变更")),
            ("person.correct", _("参保人员基本信息更正")),
            ("person.close", _("终止参保关系")),
        ]:
            audit.register_action(name, label)
        from counterhall import registry
        from registration import handlers

        # REG03, REG04 and the subject lookup are registered by contributions (the layer above)
        registry.register_all(handlers.HANDLERS)
        from counterhall import demo
        from registration.demo import build

        demo.register(build)
