"""What the accounts app puts in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.web.registry import NavEntry

from .access import can_open_accounts, can_open_powers

NAV = [
    NavEntry("administration", _("Accounts"), "accounts:user_list", can_open_accounts),
    NavEntry("administration", _("Powers of lower offices"), "accounts:power_list",
             can_open_powers),
]
