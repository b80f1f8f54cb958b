"""What the petitions app adds to the shell: menus, a home panel, the transfer clock in "my
deadlines", the petitions panel on the inspection page, the demo."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.inspections import clocks
from xuncha.web.registry import NavEntry

from .access import HANDLERS, can_open_petitions
from .demo import demo_step

TRANSFER_LABEL = _("Answer on a transferred petition")


def transfer_deadlines(user, today: datetime.date) -> list[clocks.Deadline]:
    """Open transfers of the petitions the user handles: green, yellow (3 working days or
    fewer left), red (overdue)."""
    from .models import Transfer
    from .selectors import petitions_visible_to

    if user.role not in HANDLERS:
        return []
    items = []
    open_transfers = (Transfer.objects.filter(petition__in=petitions_visible_to(user=user),
                                              answered_on__isnull=True)
                      .select_related("petition").order_by("due_on")[:200])
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


def petitions_panel(user):
    """Home: petitions waiting for triage, and identity requests waiting for a custodian."""
    if user.role not in HANDLERS:
        return None
    from .models import Status
    from .selectors import pending_reveals_count, petitions_visible_to

    counts = dict(petitions_visible_to(user=user).values_list("status").annotate(
        n=Count("pk")).order_by())
    pending = pending_reveals_count(user=user) if user.is_custodian else 0
    return {"template": "petitions/_home_panel.html", "new": counts.get(Status.NEW, 0),
            "total": sum(counts.values()), "pending_reveals": pending}


def inspection_section(request, inspection):
    """The inspection page: this target's petitions by status, for its team and office."""
    user = request.user
    if user.role not in HANDLERS:
        return None
    from .models import Status
    from .selectors import petitions_visible_to

    qs = petitions_visible_to(user=user).filter(inspection=inspection)
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
