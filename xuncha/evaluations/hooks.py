"""What the evaluations app puts in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.web.registry import NavEntry

from .access import can_open_evaluations

NAV = [NavEntry("evaluations", _("Evaluation votes"), "evaluations:list", can_open_evaluations)]
