"""What the shell itself puts in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.accounts.access import can_open_home

from .registry import NavEntry

NAV = [NavEntry("work", _("Home"), "web:home", can_open_home)]
