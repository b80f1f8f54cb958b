"""What the to-do app adds to the shell: its page in the menu, right after Home. Its items
come from the other apps' ``hooks.TODO``; it declares none of its own."""

from django.utils.translation import gettext_lazy as _

from xuncha.web.registry import NavEntry

from .access import can_open_todo

NAV = [NavEntry("work", _("To-do"), "todo:list", can_open_todo)]
