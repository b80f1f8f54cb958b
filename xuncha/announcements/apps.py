from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "xuncha.announcements"
    label = "announcements"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from xuncha.accounts.roles import Role
        from xuncha.web import context

        context.register(_("Inspections"), context.NavItem(
            _("Announcements"), "announcements:list", (Role.OFFICE,)))
