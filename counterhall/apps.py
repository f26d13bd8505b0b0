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
        register_visit_panels()
        register_metrics_panel()
        register_efficiency_panel()
        register_job_panels()


def register_casefile_actions() -> None:
    """The electronic case file's audit actions (each names the page's SHA-256)."""
    from counterhall.audit import register_action

    register_action("page.add", _("添加扫描页面"))
    register_action("page.remove", _("删除扫描页面"))
    register_action("page.view", _("查看扫描页面"))
    register_action("case.casefile", _("下载电子档案"))


def register_visit_panels() -> None:
    """The call panel on the tellers' home page, the rectifications on the hall admin's and
    the leader's (counterhall.home)."""
    from counterhall import visit_selectors
    from counterhall.home import HomePanel, register_panel
    from counterhall.roles import Role

    register_panel(
        HomePanel(
            name="visit-call",
            roles=frozenset({Role.TELLER, Role.SPECIAL_CLERK}),
            template="counterhall/_call_panel.html",
            context=lambda user: visit_selectors.call_panel(user=user),
        )
    )
    register_panel(
        HomePanel(
            name="visit-rectifications",
            roles=frozenset({Role.HALL_ADMIN, Role.LEADER}),
            template="counterhall/_rectification_panel.html",
            context=lambda user: visit_selectors.rectification_panel(user=user),
        )
    )


def register_metrics_panel() -> None:
    """A teller's own figures of today and this month on their home page."""
    from counterhall import metrics
    from counterhall.home import HomePanel, register_panel
    from counterhall.roles import Role

    register_panel(
        HomePanel(
            name="my-figures",
            roles=frozenset({Role.TELLER, Role.SPECIAL_CLERK}),
            template="counterhall/_my_figures_panel.html",
            context=lambda user: metrics.teller_panel(user=user),
        )
    )


def register_efficiency_panel() -> None:
    """The way to the efficiency dashboard (服务效能) on the leader's and hall admin's home
    page: a link, no query."""
    from counterhall.home import HomePanel, register_panel
    from counterhall.roles import Role

    register_panel(
        HomePanel(
            name="efficiency",
            roles=frozenset({Role.HALL_ADMIN, Role.LEADER}),
            template="counterhall/_efficiency_panel.html",
            context=lambda user: {},
        )
    )


def register_job_panels() -> None:
    """The failed background tasks on the hall admin's home page (counterhall.jobs)."""
    from counterhall import job_selectors
    from counterhall.home import HomePanel, register_panel
    from counterhall.roles import Role

    register_panel(
        HomePanel(
            name="failed-tasks",
            roles=frozenset({Role.HALL_ADMIN}),
            template="counterhall/_failed_tasks_panel.html",
            context=lambda user: job_selectors.failed_tasks(),
        )
    )
