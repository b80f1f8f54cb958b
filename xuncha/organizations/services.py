"""Writes of organization data. Each checks who may write, validates, and records an event."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.accounts.tokens import tokens_end_lacking_second_factor
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import DomainError, Forbidden

from .access import (
    can_add_cadre_to,
    can_add_committee_under,
    can_add_inspector_to,
    can_add_unit_to,
    can_change_cadre,
    can_change_committee,
    can_change_committee_tree,
    can_change_inspector,
    can_change_terms_of,
    can_change_unit,
)
from .models import (
    LEVEL_ORDER,
    Cadre,
    Committee,
    Expertise,
    Inspector,
    InspectorTie,
    Level,
    Rank,
    Term,
    TieKind,
    Unit,
    UnitKind,
)

M = TypeVar("M", bound=Model)
#: The records that are archived rather than deleted once they have history.
Archivable = TypeVar("Archivable", Unit, Cadre, Inspector)

COMMITTEE_FIELDS = ("code", "name", "short_name", "level", "parent", "region", "require_2fa",
                    "conflict_years", "same_locality_rule")
TERM_FIELDS = ("name", "starts_on", "ends_on")
UNIT_FIELDS = ("code", "name", "kind", "parent", "committee", "locality")
CADRE_FIELDS = ("name", "gender", "unit", "position", "rank", "is_principal",
                "managing_committee", "native_place")
INSPECTOR_FIELDS = ("expertise", "note")
TIE_FIELDS = ("kind", "unit", "relation", "starts_on", "ends_on")


def _require_write(allowed: bool) -> None:
    """Refuse unless ``allowed`` (one of the ``can_*`` rules of ``access``)."""
    if not allowed:
        raise Forbidden(_("Only the office of the owning committee may change this record."))


def _apply(instance: Model, data: dict[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            field = instance._meta.get_field(name)
            if field.is_relation:
                value = data[name] if data[name] != "" else None
                setattr(instance, getattr(field, "attname", name),
                        value.pk if isinstance(value, Model) else value)
            else:
                setattr(instance, name, data[name])


def _save_unique(instance: Model, *, field: str, message: str) -> None:
    """Save, turning a unique-constraint race into a user-readable error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise DomainError(message, code="duplicate", field=field) from exc


def _update(*, actor: User, instance: M, data: dict[str, Any], fields: tuple[str, ...],
            action: str, validate: Callable[[M], None],
            unique: tuple[str, str] | None = None) -> M:
    before = snapshot(instance, fields)
    _apply(instance, data, fields)
    validate(instance)
    changes = diff(before, snapshot(instance, fields))
    if not changes:
        return instance
    if unique:
        _save_unique(instance, field=unique[0], message=unique[1])
    else:
        instance.save()
    event_record(actor=actor, action=action, obj=instance, changes=changes)
    return instance


# --- committees -----------------------------------------------------------------------


def _validate_committee(committee: Committee) -> None:
    if not committee.code.strip() or not committee.name.strip():
        raise DomainError(_("A committee needs a code and a name."), field="code")
    if committee.level not in Level.values:
        raise DomainError(_("Unknown committee level."), field="level")
    parent = committee.parent
    if parent is not None:
        if LEVEL_ORDER.index(committee.level) <= LEVEL_ORDER.index(parent.level):
            raise DomainError(
                _("A lower committee must be at a lower level than %(parent)s.")
                % {"parent": parent}, field="level")
        if committee.pk and str(committee.pk) in parent.path.strip("/").split("/"):
            raise DomainError(_("A committee cannot be placed under itself or below it."),
                              field="parent")
    if not committee.short_name:
        committee.short_name = committee.name


@transaction.atomic
def committee_create(*, actor: User, data: dict[str, Any]) -> Committee:
    """Platform operators create any committee; an office admin creates lower ones."""
    parent = data.get("parent")
    if not can_add_committee_under(user=actor, parent=parent):
        raise Forbidden(_("Only an office administrator of the upper committee may add "
                          "a lower committee."))
    committee = Committee(path="")
    _apply(committee, data, COMMITTEE_FIELDS)
    _validate_committee(committee)
    _save_unique(committee, field="code", message=_("This committee code is already used."))
    committee.path = f"{parent.path if parent else '/'}{committee.pk}/"
    committee.save(update_fields=["path"])
    event_record(actor=actor, action="committee.create", obj=committee,
                 changes=diff({}, snapshot(committee, COMMITTEE_FIELDS)))
    return committee


@transaction.atomic
def committee_update(*, actor: User, committee: Committee, data: dict[str, Any]) -> Committee:
    if not can_change_committee(user=actor, committee=committee):
        raise Forbidden(_("Only the committee's office administrators may change its settings."))
    if not can_change_committee_tree(user=actor):
        # Office admins tune settings; the tree itself belongs to the platform operator.
        data = {k: v for k, v in data.items() if k not in ("code", "level", "parent")}
    old_path = committee.path
    required_before = committee.require_2fa
    committee = _update(actor=actor, instance=committee, data=data, fields=COMMITTEE_FIELDS,
                        action="committee.update", validate=_validate_committee,
                        unique=("code", _("This committee code is already used.")))
    new_path = f"{committee.parent.path if committee.parent else '/'}{committee.pk}/"
    if new_path != old_path:
        for c in Committee.objects.filter(path__startswith=old_path):
            c.path = new_path + c.path[len(old_path):]
            c.save(update_fields=["path"])
    if committee.require_2fa and not required_before:
        # Tokens must not outlive the rule: those of people without a second factor end now.
        tokens_end_lacking_second_factor(committee_id=committee.pk, actor=actor)
    return committee


# --- terms ----------------------------------------------------------------------------


def _validate_term(term: Term) -> None:
    if not term.name.strip():
        raise DomainError(_("A term needs a name."), field="name")
    if term.starts_on and term.ends_on and term.ends_on <= term.starts_on:
        raise DomainError(_("A term must end after it starts."), field="ends_on")
    overlapping = Term.objects.filter(committee_id=term.committee_id,
                                      starts_on__lt=term.ends_on, ends_on__gt=term.starts_on)
    if term.pk:
        overlapping = overlapping.exclude(pk=term.pk)
    if overlapping.exists():
        raise DomainError(_("This term overlaps another term of the committee."),
                          field="starts_on")


@transaction.atomic
def term_create(*, actor: User, committee: Committee, data: dict[str, Any]) -> Term:
    _require_write(can_change_terms_of(user=actor, committee_id=committee.pk))
    term = Term(committee=committee)
    _apply(term, data, TERM_FIELDS)
    _validate_term(term)
    _save_unique(term, field="name", message=_("The committee already has a term of this name."))
    event_record(actor=actor, action="term.create", obj=term,
                 changes=diff({}, snapshot(term, TERM_FIELDS)))
    return term


@transaction.atomic
def term_update(*, actor: User, term: Term, data: dict[str, Any]) -> Term:
    _require_write(can_change_terms_of(user=actor, committee_id=term.committee_id))
    return _update(actor=actor, instance=term, data=data, fields=TERM_FIELDS,
                   action="term.update", validate=_validate_term,
                   unique=("name", _("The committee already has a term of this name.")))


# --- units ----------------------------------------------------------------------------


def _validate_unit(unit: Unit) -> None:
    if not unit.code.strip():
        raise DomainError(_("A unit needs a code."), field="code")
    if not unit.name.strip():
        raise DomainError(_("A unit needs a name."), field="name")
    if unit.kind not in UnitKind.values:
        raise DomainError(_("Unknown unit kind."), field="kind")
    dup = Unit.objects.filter(code=unit.code)
    if unit.pk:
        dup = dup.exclude(pk=unit.pk)
    if dup.exists():
        raise DomainError(_("The unit code %(code)s is already used.") % {"code": unit.code},
                          field="code")
    # Walk up from the new parent: meeting the unit itself means a cycle.
    seen: set[int] = set()
    parent_id = unit.parent_id
    while parent_id is not None:
        if unit.pk is not None and parent_id == unit.pk:
            raise DomainError(_("A unit cannot be placed under itself or under one of its "
                                "own sub-units."), field="parent")
        if parent_id in seen:  # a cycle already in the data: stop rather than loop
            break
        seen.add(parent_id)
        parent_id = Unit.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()


@transaction.atomic
def unit_create(*, actor: User, data: dict[str, Any]) -> Unit:
    unit = Unit()
    _apply(unit, data, UNIT_FIELDS)
    _require_write(can_add_unit_to(user=actor, committee_id=unit.committee_id))
    _validate_unit(unit)
    _save_unique(unit, field="code", message=_("This unit code is already used."))
    event_record(actor=actor, action="unit.create", obj=unit,
                 changes=diff({}, snapshot(unit, UNIT_FIELDS)))
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, data: dict[str, Any]) -> Unit:
    _require_write(can_change_unit(user=actor, unit=unit))
    if "committee" in data:
        target = data["committee"]
        target_id = target.pk if isinstance(target, Model) else target
        _require_write(can_add_unit_to(user=actor, committee_id=target_id))
    return _update(actor=actor, instance=unit, data=data, fields=UNIT_FIELDS,
                   action="unit.update", validate=_validate_unit,
                   unique=("code", _("This unit code is already used.")))


def _set_archived(*, actor: User, obj: Archivable, archived: bool, action: str) -> Archivable:
    if bool(obj.archived_at) == archived:
        return obj
    before = obj.archived_at
    obj.archived_at = timezone.now() if archived else None
    obj.save(update_fields=["archived_at"])
    event_record(actor=actor, action=action, obj=obj,
                 changes={"archived_at": [before, obj.archived_at]})
    return obj


@transaction.atomic
def unit_archive(*, actor: User, unit: Unit) -> Unit:
    _require_write(can_change_unit(user=actor, unit=unit))
    return _set_archived(actor=actor, obj=unit, archived=True, action="unit.archive")


@transaction.atomic
def unit_restore(*, actor: User, unit: Unit) -> Unit:
    _require_write(can_change_unit(user=actor, unit=unit))
    return _set_archived(actor=actor, obj=unit, archived=False, action="unit.restore")


def _delete(*, actor: User, obj: Model, committee_id: int | None, action: str,
            history_message: str, fields: tuple[str, ...]) -> None:
    before = snapshot(obj, fields)
    label = str(obj)
    pk = obj.pk
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        raise DomainError(history_message, code="has_history") from exc
    event_record(actor=actor, action=action, committee_id=committee_id, object_repr=label,
                 changes=diff(before, {}), params={"id": pk})


@transaction.atomic
def unit_delete(*, actor: User, unit: Unit) -> None:
    """Delete a unit entered by mistake; a unit with any history is archived instead."""
    _require_write(can_change_unit(user=actor, unit=unit))
    _delete(actor=actor, obj=unit, committee_id=unit.committee_id, action="unit.delete",
            fields=UNIT_FIELDS,
            history_message=_("This unit has history (sub-units, cadres, inspections or other "
                              "records) and cannot be deleted. Archive it instead."))


# --- cadres ---------------------------------------------------------------------------


def _validate_cadre(cadre: Cadre) -> None:
    if not cadre.name.strip():
        raise DomainError(_("A cadre needs a name."), field="name")
    if not cadre.position.strip():
        raise DomainError(_("A cadre needs a position."), field="position")
    if cadre.rank not in Rank.values:
        raise DomainError(_("Unknown rank."), field="rank")


@transaction.atomic
def cadre_create(*, actor: User, data: dict[str, Any]) -> Cadre:
    cadre = Cadre()
    _apply(cadre, data, CADRE_FIELDS)
    unit = Unit.objects.get(pk=cadre.unit_id)
    _require_write(can_add_cadre_to(user=actor, unit=unit))
    _validate_cadre(cadre)
    cadre.save()
    event_record(actor=actor, action="cadre.create", obj=cadre,
                 committee_id=unit.committee_id,
                 changes=diff({}, snapshot(cadre, CADRE_FIELDS)))
    return cadre


@transaction.atomic
def cadre_update(*, actor: User, cadre: Cadre, data: dict[str, Any]) -> Cadre:
    _require_write(can_change_cadre(user=actor, cadre=cadre))
    if "unit" in data:
        target = data["unit"]
        target_unit = target if isinstance(target, Unit) else Unit.objects.get(pk=target)
        _require_write(can_add_cadre_to(user=actor, unit=target_unit))
    return _update(actor=actor, instance=cadre, data=data, fields=CADRE_FIELDS,
                   action="cadre.update", validate=_validate_cadre)


@transaction.atomic
def cadre_archive(*, actor: User, cadre: Cadre, archived: bool = True) -> Cadre:
    _require_write(can_change_cadre(user=actor, cadre=cadre))
    return _set_archived(actor=actor, obj=cadre, archived=archived,
                         action="cadre.archive" if archived else "cadre.restore")


# --- inspectors and their declared ties -----------------------------------------------


def _validate_inspector(inspector: Inspector) -> None:
    unknown = [e for e in inspector.expertise if e not in Expertise.values]
    if unknown:
        raise DomainError(_("Unknown expertise: %(items)s") % {"items": ", ".join(unknown)},
                          field="expertise")


@transaction.atomic
def inspector_create(*, actor: User, committee: Committee, cadre: Cadre,
                     data: dict[str, Any]) -> Inspector:
    _require_write(can_add_inspector_to(user=actor, committee=committee))
    if Inspector.objects.filter(cadre=cadre).exists():
        raise DomainError(_("%(name)s is already in an inspector pool.") % {"name": cadre.name},
                          field="cadre")
    inspector = Inspector(committee=committee, cadre=cadre)
    _apply(inspector, data, INSPECTOR_FIELDS)
    _validate_inspector(inspector)
    inspector.save()
    event_record(actor=actor, action="inspector.create", obj=inspector,
                 changes=diff({}, snapshot(inspector, ("cadre", *INSPECTOR_FIELDS))))
    return inspector


@transaction.atomic
def inspector_update(*, actor: User, inspector: Inspector, data: dict[str, Any]) -> Inspector:
    _require_write(can_change_inspector(user=actor, inspector=inspector))
    return _update(actor=actor, instance=inspector, data=data, fields=INSPECTOR_FIELDS,
                   action="inspector.update", validate=_validate_inspector)


@transaction.atomic
def inspector_archive(*, actor: User, inspector: Inspector, archived: bool = True) -> Inspector:
    _require_write(can_change_inspector(user=actor, inspector=inspector))
    return _set_archived(actor=actor, obj=inspector, archived=archived,
                         action="inspector.archive" if archived else "inspector.restore")


def _validate_tie(tie: InspectorTie) -> None:
    if tie.kind not in TieKind.values:
        raise DomainError(_("Unknown kind of tie."), field="kind")
    if tie.kind == TieKind.RELATIVE and not tie.relation.strip():
        raise DomainError(_("Say how the relative is related."), field="relation")
    if tie.starts_on and tie.ends_on and tie.ends_on < tie.starts_on:
        raise DomainError(_("A tie cannot end before it starts."), field="ends_on")
    if tie.ends_on and tie.ends_on > timezone.localdate() + datetime.timedelta(days=3650):
        raise DomainError(_("The end date is too far in the future."), field="ends_on")


@transaction.atomic
def tie_create(*, actor: User, inspector: Inspector, data: dict[str, Any]) -> InspectorTie:
    _require_write(can_change_inspector(user=actor, inspector=inspector))
    tie = InspectorTie(inspector=inspector)
    _apply(tie, data, TIE_FIELDS)
    _validate_tie(tie)
    tie.save()
    event_record(actor=actor, action="inspector.tie_add", obj=tie,
                 committee_id=inspector.committee_id,
                 changes=diff({}, snapshot(tie, TIE_FIELDS)))
    return tie


@transaction.atomic
def tie_delete(*, actor: User, tie: InspectorTie) -> None:
    committee_id = tie.inspector.committee_id
    _require_write(can_change_inspector(user=actor, inspector=tie.inspector))
    before = snapshot(tie, TIE_FIELDS)
    label, pk = str(tie), tie.pk
    tie.delete()
    event_record(actor=actor, action="inspector.tie_remove", committee_id=committee_id,
                 object_repr=label, changes=diff(before, {}), params={"id": pk})
