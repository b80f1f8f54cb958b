"""What the petitions app adds to the shell: menus, a home panel, the transfer clock in "my
deadlines", the petitions panel on the inspection page, its steps in the to-do, the demo."""

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.access import is_office_of
from xuncha.accounts.http import AuthedHttpRequest
from xuncha.accounts.models import User
from xuncha.inspections import clocks
from xuncha.inspections.models import Inspection
from xuncha.todo.items import PER_KIND, Clock, TodoItem
from xuncha.web.registry import NavEntry

from .access import (
    can_open_petitions,
    petitions_awaiting_triage,
    petitions_handled_by,
    reveal_requests_awaiting_decision,
    transfers_awaiting_answer,
)
from .demo import demo_step
from .models import Petition, Status

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


def _concerns(petition: Petition) -> str:
    """The inspection or unit a petition is about (never its content or its reporter)."""
    if petition.inspection is not None:
        return str(petition.inspection)
    return petition.unit.name if petition.unit is not None else ""


_SHOWN = ("inspection__team__round__committee", "inspection__unit", "unit")


def petition_todo(user: User) -> list[TodoItem]:
    """New petitions awaiting triage and transfers awaiting the department's answer (the
    team's queue is its members', the office's its body's), and identity requests awaiting
    a custodian of the committee (any of them)."""
    clock = Clock()
    items = []
    for petition in petitions_awaiting_triage(user=user).select_related(*_SHOWN).order_by(
            "received_at", "pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="petition_triage",
            label=gettext("Triage petition #%(id)d") % {"id": petition.pk},
            subject=_concerns(petition), committee_id=petition.committee_id,
            url=reverse("petitions:detail", args=[petition.pk]), due=None, level="grey",
            asked_by=petition.get_channel_display(),
            mine=not is_office_of(user=user, committee_id=petition.committee_id),
            key=f"petition_triage:{petition.pk}"))
    for transfer in transfers_awaiting_answer(user=user).select_related(
            *(f"petition__{name}" for name in _SHOWN), "transferred_by").order_by(
            "due_on", "pk")[:PER_KIND]:
        petition = transfer.petition
        items.append(TodoItem(
            kind="transfer_answer",
            label=gettext("Record the answer of %(department)s on petition #%(id)d") % {
                "department": transfer.department, "id": petition.pk},
            subject=_concerns(petition), committee_id=petition.committee_id,
            url=reverse("petitions:detail", args=[petition.pk]), due=transfer.due_on,
            level=clock.level(transfer.due_on, petition.committee_id),
            asked_by=str(transfer.transferred_by),
            mine=not is_office_of(user=user, committee_id=petition.committee_id),
            key=f"transfer_answer:{petition.pk}"))
    for reveal in reveal_requests_awaiting_decision(user=user).select_related(
            *(f"petition__{name}" for name in _SHOWN), "requested_by").order_by(
            "created_at", "pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="reveal_decision",
            label=gettext("Decide on the identity request for petition #%(id)d") % {
                "id": reveal.petition_id},
            subject=_concerns(reveal.petition), committee_id=reveal.petition.committee_id,
            url=reverse("petitions:reveal_list"), due=None, level="grey",
            asked_by=str(reveal.requested_by), mine=False, key=f"reveal_decision:{reveal.pk}"))
    return items


def petition_todo_queries(user: User) -> list[QuerySet[Any]]:
    """The query forms behind ``petition_todo``, one per kind (the top bar counts them)."""
    return [petitions_awaiting_triage(user=user), transfers_awaiting_answer(user=user),
            reveal_requests_awaiting_decision(user=user)]


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
TODO = [petition_todo]
TODO_COUNTS = [petition_todo_queries]
DEMO_STEPS = [demo_step]
