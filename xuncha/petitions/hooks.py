"""What the petitions app adds to the shell: menus, a home panel, the transfer clock in "my
deadlines", the petitions panel on the inspection page, the demo."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role
from xuncha.inspections import clocks
from xuncha.web import context, home

TRANSFER_LABEL = _("Answer on a transferred petition")
HANDLERS = (Role.OFFICE, Role.TEAM)


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


def install() -> None:
    from xuncha.inspections.views import INSPECTION_SECTIONS
    from xuncha.web.demo import DEMO_STEPS

    from .demo import demo_step

    if inspection_section not in INSPECTION_SECTIONS:
        INSPECTION_SECTIONS.insert(0, inspection_section)
    if demo_step not in DEMO_STEPS:
        # Petitions come before findings in the demo so problems can cite them.
        DEMO_STEPS.insert(1, demo_step)
    clocks.register(transfer_deadlines)
    home.register_panel(petitions_panel)
    section = _("Petitions")
    context.register(section, context.NavItem(_("Petitions"), "petitions:list", HANDLERS),
                     position=2)
    context.register(section, context.NavItem(_("Record a petition"), "petitions:intake",
                                              HANDLERS))
    context.register(section, context.NavItem(_("Batch entry"), "petitions:import", HANDLERS))
    # Custodians decide here; everyone else who can ask follows their own requests here.
    context.register(section, context.NavItem(_("Identity requests"), "petitions:reveal_list",
                                              HANDLERS))
