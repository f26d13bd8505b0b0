from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "内部流转复核"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from counterhall import audit, permissions
        from counterhall.actions import CaseAction, register_action
        from counterhall.home import HomePanel, register_panel
        from counterhall.models import CaseState
        from counterhall.roles import Role, delegations
        from review import selectors, services

        for action in (
            # Claiming is only through take-next (the queue page): the case page offers no
            # claim, and a claim posted to its URL is refused with the reason. The one
            # decision view (review.views.ReviewDecisionView) takes approve, return with
            # the structured reasons, and release: the case page links there.
            CaseAction(
                "claim",
                "claim",
                _("认领复核"),
                services.case_claim,
                refused=permissions.DENIED_DIRECT_CLAIM,
            ),
            CaseAction(
                "approve",
                "approve",
                _("复核通过"),
                services.case_approve,
                ("note",),
                link="review:case",
            ),
            CaseAction(
                "return",
                "return_",
                _("退回柜员"),
                services.case_return,
                ("reasons", "note"),
                "warning",
                link="review:case",
            ),
            CaseAction(
                "release",
                "release",
                _("放回队列"),
                services.case_release,
                style="secondary",
                link="review:case",
            ),
            CaseAction("sign", "sign", _("签批"), services.case_sign, ("note",)),
            CaseAction(
                "hold", "hold", _("暂缓并退回"), services.case_hold, ("reasons",), "warning"
            ),
            CaseAction(
                "reject-in-review",
                "reject",
                _("不予受理"),
                services.case_reject,
                ("reasons", "note"),
                "danger",
                states=(CaseState.IN_REVIEW,),
            ),
        ):
            register_action(action)

        audit.register_action("delegation.create", _("设置委托代理"))
        audit.register_action("delegation.end", _("结束委托代理"))

        register_panel(
            HomePanel(
                name="review-queue",
                roles=frozenset({Role.REVIEWER}),
                template="review/_home_queue.html",
                context=lambda user: selectors.queue_counts(user=user),
            )
        )
        register_panel(
            HomePanel(
                name="delegations",
                roles=frozenset({Role.LEADER, Role.FINANCE, Role.REVIEWER, Role.HALL_ADMIN}),
                template="review/_home_delegations.html",
                context=lambda user: {"acting": list(delegations(user).values())},
            )
        )
        register_panel(
            HomePanel(
                name="signoff-batch",
                roles=frozenset({Role.LEADER, Role.FINANCE}),
                template="review/_home_signoff.html",
                context=lambda user: {"cases": selectors.signoff_batch(user=user)},
            )
        )
