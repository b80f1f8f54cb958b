"""What the organizations app puts in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.web.registry import NavEntry

from .access import can_open_registers, can_open_units

NAV = [
    NavEntry("organization", _("Committees"), "organizations:committee_list", can_open_registers),
    NavEntry("organization", _("Units"), "organizations:unit_list", can_open_units),
    NavEntry("organization", _("Cadres"), "organizations:cadre_list", can_open_registers),
    NavEntry("organization", _("Inspector pool"), "organizations:inspector_list",
             can_open_registers),
]
