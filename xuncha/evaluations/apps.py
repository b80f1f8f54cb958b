from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "xuncha.evaluations"
    label = "evaluations"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from xuncha.accounts.roles import Role
        from xuncha.web import context

        context.register(_("Evaluations"), context.NavItem(
            _("Evaluation votes"), "evaluations:list", (Role.OFFICE, Role.LEADERSHIP)))
