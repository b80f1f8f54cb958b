"""What the accounts app puts in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.web.registry import NavEntry

from .access import can_open_accounts

NAV = [NavEntry("administration", _("Accounts"), "accounts:user_list", can_open_accounts)]
