"""What the announcements app puts in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.web.registry import NavEntry

from .access import can_open_announcements

NAV = [NavEntry("inspections", _("Announcements"), "announcements:list", can_open_announcements)]
