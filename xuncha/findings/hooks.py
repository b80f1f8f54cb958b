"""What the findings app adds: the inspection page panel, menu entries, clue clocks."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role
from xuncha.inspections import clocks
from xuncha.web.registry import NavEntry

from .access import can_open_clues, can_open_library
from .demo import demo_step
from .models import ClueStatus
from .views import inspection_section

CLUE_REPORT_LABEL = _("Receiver reports on a transferred clue")
CLUE_CLOSE_LABEL = _("Transferred clue closed")


def clue_deadlines(user, today: datetime.date) -> list[clocks.Deadline]:
    from .selectors import clues_visible_to

    if user.role not in (Role.RECEIVER, Role.OFFICE) or (
            user.role == Role.OFFICE and not user.is_office_head):
        return []
    items = []
    qs = clues_visible_to(user=user).exclude(status__in=[ClueStatus.SEALED, ClueStatus.CLOSED])
    for clue in qs.select_related("inspection__unit"):
        url = reverse("findings:clue_detail", args=[clue.pk])
        if clue.report_due:
            items.append(clocks.finish(clocks.Deadline(
                key="clue_report", label=CLUE_REPORT_LABEL, subject=clue.number, url=url,
                due=clue.report_due, done=clue.reported_on is not None), today=today))
        if clue.close_due:
            items.append(clocks.finish(clocks.Deadline(
                key="clue_close", label=CLUE_CLOSE_LABEL, subject=clue.number, url=url,
                due=clue.close_due, done=clue.closed_on is not None), today=today))
    return items


NAV = [
    NavEntry("inspections", _("Problem library"), "findings:library", can_open_library),
    NavEntry("clues", _("Clues"), "findings:clue_list", can_open_clues),
]
INSPECTION_SECTIONS = [inspection_section]
DEADLINES = [clue_deadlines]
DEMO_STEPS = [demo_step]
