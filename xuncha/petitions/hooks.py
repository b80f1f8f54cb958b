"""What the petitions app adds to the shell: menus, a home panel, the transfer clock in "my
deadlines", the petitions panel on the inspection page, the demo."""

import datetime
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.accounts.models import User
from xuncha.inspections import clocks
from xuncha.inspections.models import Inspection
from xuncha.web.registry import NavEntry

from .access import (
    can_open_petitions,
    petitions_awaiting_triage,
    petitions_handled_by,
    reveal_requests_awaiting_decision,
    transfers_awaiting_answer,
)
from .demo import demo_step
from .models import Status

TRANSFER_LABEL = _("Answer on a transferred petition")


def transfer_deadlines(user: User, today: datetime.date) -> list[clocks.Deadline]:
    """Open transfers of the petitions the user handles: green, yellow (3 working days or
    fewer left), red (overdue)."""
    if not can_open_petitions(user=user):
        return []
    items = []
    open_transfers = (transfers_awaiting_answer(user=user).select_related("petition")
                      .order_by("due_on")[:200])
    calendar = None
    for transfer in open_transfers:
        calendar = calendar or clocks.calendar_for(transfer.petition.committee_id)
        items.append(clocks.finish(clocks.Deadline(
            key="transfer", label=TRANSFER_LABEL,
            subject=f"#{transfer.petition_id} → {transfer.department}",
            url=reverse("petitions:detail", args=[transfer.petition_id]), due=transfer.due_on,
            starts=gettext("transferred on %(day)s") % {"day": transfer.transferred_on}),
            today=today, calendar=calendar))
    return items


def petitions_panel(user: User) -> dict[str, Any] | None:
    """Home: petitions waiting for triage, and identity requests waiting for a custodian."""
    if not can_open_petitions(user=user):
        return None
    return {"template": "petitions/_home_panel.html",
            "new": petitions_awaiting_triage(user=user).count(),
            "total": petitions_handled_by(user=user).count(),
            "pending_reveals": reveal_requests_awaiting_decision(user=user).count()}


def inspection_section(request: AuthedHttpRequest, inspection: Inspection
                       ) -> dict[str, Any] | None:
    """The inspection page: this target's petitions by status, for its team and office."""
    user = request.user
    if not can_open_petitions(user=user):
        return None
    qs = petitions_handled_by(user=user).filter(inspection=inspection)
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    labels = dict(Status.choices)
    base = reverse("petitions:list") + f"?inspection={inspection.pk}"
    return {"template": "petitions/_inspection_section.html",
            "counts": [{"status": s, "label": labels[s], "n": counts[s],
                        "url": f"{base}&status={s}"} for s in Status.values if counts.get(s)],
            "total": sum(counts.values()), "url": base,
            "intake_url": reverse("petitions:intake") + f"?inspection={inspection.pk}"}


NAV = [
    NavEntry("petitions", _("Petitions"), "petitions:list", can_open_petitions),
    NavEntry("petitions", _("Record a petition"), "petitions:intake", can_open_petitions),
    NavEntry("petitions", _("Batch entry"), "petitions:import", can_open_petitions),
    # Custodians decide here; everyone else who can ask follows their own requests here.
    NavEntry("petitions", _("Identity requests"), "petitions:reveal_list", can_open_petitions),
]
HOME_PANELS = [petitions_panel]
INSPECTION_SECTIONS = [inspection_section]
DEADLINES = [transfer_deadlines]
DEMO_STEPS = [demo_step]
