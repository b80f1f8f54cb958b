"""Who may read and change the registers of committees, terms, units, cadres and inspectors.

``access_*`` fetch one record through the reader's scope (the same ``NotFound`` whether it
does not exist or is not theirs); ``can_*`` say whether a person may change it, for the
services, the pages (as flags the view computes) and the importers alike. A register is
changed only by the office of the committee that owns the record, or a platform operator
(``can_write_committee_data``); ``committees_writable_by`` and ``units_changeable_by`` are
the query forms of those rules, for the choices a form offers.
"""

from django.db.models import QuerySet

from xuncha.accounts.access import can_write_committee_data, has_role, is_office_admin_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.lookup import get_or_404

from .models import Cadre, Committee, Inspector, InspectorTie, Term, Unit
from .selectors import (
    ORG_READ_ROLES,
    cadres_visible_to,
    committees_visible_to,
    inspectors_visible_to,
    terms_visible_to,
    ties_visible_to,
    units_visible_to,
)

# --- pages -----------------------------------------------------------------------------------


def can_open_registers(*, user: User) -> bool:
    """Committees, cadres and the inspector pool (each list is scoped by its selector)."""
    return user.is_superuser or has_role(user, *ORG_READ_ROLES)


def can_open_units(*, user: User) -> bool:
    """Units: also the liaisons, for their own unit."""
    return user.is_superuser or has_role(user, *ORG_READ_ROLES, Role.LIAISON)


def can_open_cadres(*, user: User) -> bool:
    """Cadre pages: also the liaisons, for their own unit's cadres (they reach them from
    their unit's page; the menu offers the cadre register to ``can_open_registers``)."""
    return can_open_units(user=user)


def can_open_register_forms(*, user: User) -> bool:
    """Forms and imports of units and cadres: an office, or a platform operator."""
    return user.is_superuser or has_role(user, Role.OFFICE)


def can_open_office_forms(*, user: User) -> bool:
    """Forms of terms and of the inspector pool: an office alone (a platform operator has
    no committee of their own to add an inspector to)."""
    return has_role(user, Role.OFFICE)


def can_open_committee_settings(*, user: User) -> bool:
    """New lower committees and committee settings: office administrators and platform
    operators (``can_change_committee`` decides which committee)."""
    return user.is_superuser or is_office_admin_of(user=user, committee_id=user.committee_id)


# --- who may change what ---------------------------------------------------------------------


def can_add_committee_under(*, user: User, parent: Committee | None) -> bool:
    """A platform operator adds any committee; an office administrator one under their
    own committee."""
    return user.is_superuser or (
        parent is not None and is_office_admin_of(user=user, committee_id=parent.pk))


def can_change_committee(*, user: User, committee: Committee) -> bool:
    """A committee's settings: its office administrators, or a platform operator (who alone
    moves it in the tree, see ``committee_update``)."""
    return user.is_superuser or is_office_admin_of(user=user, committee_id=committee.pk)


def can_change_committee_tree(*, user: User) -> bool:
    """Codes, levels and places in the tree: the platform operator alone."""
    return user.is_superuser


def committees_extendable_by(*, user: User) -> QuerySet[Committee]:
    """The committees ``user`` may add a lower committee under (``can_add_committee_under``
    as a query)."""
    if user.is_superuser:
        return Committee.objects.all()
    committee_id = user.committee_id
    if committee_id is not None and is_office_admin_of(user=user, committee_id=committee_id):
        return Committee.objects.filter(pk=committee_id)
    return Committee.objects.none()


def can_change_terms_of(*, user: User, committee_id: int | None) -> bool:
    """Add and edit the terms of the committee."""
    return can_write_committee_data(user=user, committee_id=committee_id)


def can_add_unit_to(*, user: User, committee_id: int | None) -> bool:
    """Create a unit under the committee, or move one there. Query form:
    ``committees_writable_by``."""
    return can_write_committee_data(user=user, committee_id=committee_id)


def can_change_unit(*, user: User, unit: Unit) -> bool:
    """Edit, archive, restore or delete a unit. Query form: ``units_changeable_by``."""
    return can_write_committee_data(user=user, committee_id=unit.committee_id)


def can_add_cadre_to(*, user: User, unit: Unit) -> bool:
    """Record a cadre in ``unit``, or move one there."""
    return can_change_unit(user=user, unit=unit)


def can_change_cadre(*, user: User, cadre: Cadre) -> bool:
    return can_change_unit(user=user, unit=cadre.unit)


def can_add_inspector_to(*, user: User, committee: Committee) -> bool:
    return can_write_committee_data(user=user, committee_id=committee.pk)


def can_change_inspector(*, user: User, inspector: Inspector) -> bool:
    """Edit or archive an inspector, declare and remove their ties."""
    return can_write_committee_data(user=user, committee_id=inspector.committee_id)


def committees_writable_by(*, user: User) -> QuerySet[Committee]:
    """The committees whose registers ``user`` changes (``can_add_unit_to`` as a query)."""
    if user.is_superuser:
        return Committee.objects.all()
    if user.committee_id is not None and has_role(user, Role.OFFICE):
        return Committee.objects.filter(pk=user.committee_id)
    return Committee.objects.none()


def units_changeable_by(*, user: User) -> QuerySet[Unit]:
    """The units ``user`` changes and records cadres in (``can_change_unit`` as a query)."""
    return Unit.objects.filter(committee__in=committees_writable_by(user=user))


# --- fetch and authorize ---------------------------------------------------------------------


def access_committee(*, user: User, pk: object) -> Committee:
    return get_or_404(committees_visible_to(user=user), pk)


def access_term(*, user: User, pk: object) -> Term:
    return get_or_404(terms_visible_to(user=user), pk)


def access_unit(*, user: User, pk: object) -> Unit:
    return get_or_404(units_visible_to(user=user).select_related("committee", "parent"), pk)


def access_cadre(*, user: User, pk: object) -> Cadre:
    return get_or_404(cadres_visible_to(user=user).select_related(
        "unit", "managing_committee"), pk)


def access_inspector(*, user: User, pk: object) -> Inspector:
    return get_or_404(inspectors_visible_to(user=user).select_related(
        "cadre__unit", "committee"), pk)


def access_tie(*, user: User, inspector: Inspector, pk: object) -> InspectorTie:
    """One of ``inspector``'s declared ties."""
    return get_or_404(ties_visible_to(user=user).filter(inspector=inspector), pk)
