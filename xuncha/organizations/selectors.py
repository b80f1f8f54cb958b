"""Reads of organization data, scoped to the reader. Views never query these models directly.

Scope rules (DESIGN.md "Who uses it"):
- office, leadership, team and oversight read their own committee and every committee
  below it (an upper committee reads its lower committees, never a sibling's);
- a liaison reads only their own unit and the units under it;
- receivers read no organization pages;
- platform operators (superusers) read everything.
Writes are narrower: only the office of the committee that owns the record.
"""

from django.db.models import Q, QuerySet

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role

from .models import Cadre, Committee, Inspector, InspectorTie, Term, Unit

#: Who reads the registers of their committee and those below it (``access.can_open_*``).
ORG_READ_ROLES = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.OVERSIGHT)


def committee_subtree(committee: Committee) -> QuerySet[Committee]:
    return Committee.objects.filter(path__startswith=committee.path)


def committees_visible_to(*, user: User) -> QuerySet[Committee]:
    if user.is_superuser:
        return Committee.objects.all()
    if user.role in ORG_READ_ROLES and user.committee is not None:
        return committee_subtree(user.committee)
    if user.committee_id:
        return Committee.objects.filter(pk=user.committee_id)
    return Committee.objects.none()


def committee_ids_readable(*, user: User) -> QuerySet:
    """Ids of the committees whose organization data ``user`` may read."""
    if user.is_superuser:
        return Committee.objects.values("pk")
    if user.role in ORG_READ_ROLES and user.committee is not None:
        return committee_subtree(user.committee).values("pk")
    return Committee.objects.none().values("pk")


def units_visible_to(*, user: User) -> QuerySet[Unit]:
    if user.role == Role.LIAISON and user.unit_id:
        ids = unit_descendant_ids(unit_id=user.unit_id, include_self=True)
        return Unit.objects.filter(pk__in=ids)
    return Unit.objects.filter(committee__in=committee_ids_readable(user=user))


def unit_descendant_ids(*, unit_id: int, include_self: bool = False) -> set[int]:
    """Ids of every unit below ``unit_id`` (breadth-first; trees are a few levels deep)."""
    found: set[int] = {unit_id} if include_self else set()
    frontier = [unit_id]
    while frontier:
        children = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return found


def cadres_visible_to(*, user: User) -> QuerySet[Cadre]:
    if user.role == Role.LIAISON:
        return Cadre.objects.filter(unit__in=units_visible_to(user=user))
    readable = committee_ids_readable(user=user)
    return Cadre.objects.filter(Q(unit__committee__in=readable) | Q(managing_committee__in=readable))


def inspectors_visible_to(*, user: User) -> QuerySet[Inspector]:
    if user.role == Role.LIAISON:
        return Inspector.objects.none()
    return Inspector.objects.filter(committee__in=committee_ids_readable(user=user))


def terms_visible_to(*, user: User) -> QuerySet[Term]:
    return Term.objects.filter(committee__in=committees_visible_to(user=user))


def ties_visible_to(*, user: User) -> QuerySet[InspectorTie]:
    """The declared ties of the inspectors ``user`` reads."""
    return InspectorTie.objects.filter(inspector__in=inspectors_visible_to(user=user))


# --- filters used by list pages and the API -------------------------------------------


def units_filter(qs: QuerySet[Unit], *, q: str = "", kind: str = "", committee: int | None = None,
                 archived: str = "") -> QuerySet[Unit]:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(locality__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if committee:
        qs = qs.filter(committee_id=committee)
    if archived == "yes":
        qs = qs.filter(archived_at__isnull=False)
    elif archived != "all":
        qs = qs.filter(archived_at__isnull=True)
    return qs


def cadres_filter(qs: QuerySet[Cadre], *, q: str = "", rank: str = "", unit: int | None = None,
                  principal: str = "", archived: str = "") -> QuerySet[Cadre]:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(position__icontains=q) | Q(unit__name__icontains=q))
    if rank:
        qs = qs.filter(rank=rank)
    if unit:
        qs = qs.filter(unit_id=unit)
    if principal == "yes":
        qs = qs.filter(is_principal=True)
    if archived == "yes":
        qs = qs.filter(archived_at__isnull=False)
    elif archived != "all":
        qs = qs.filter(archived_at__isnull=True)
    return qs


def inspectors_filter(qs: QuerySet[Inspector], *, q: str = "", expertise: str = "",
                      archived: str = "") -> QuerySet[Inspector]:
    if q:
        qs = qs.filter(Q(cadre__name__icontains=q) | Q(cadre__unit__name__icontains=q))
    if expertise:
        # JSON containment differs by backend; a quoted substring match is exact enough
        # because expertise values are fixed identifiers.
        qs = qs.filter(expertise__icontains=f'"{expertise}"')
    if archived == "yes":
        qs = qs.filter(archived_at__isnull=False)
    elif archived != "all":
        qs = qs.filter(archived_at__isnull=True)
    return qs
