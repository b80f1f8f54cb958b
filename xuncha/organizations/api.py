"""Organization data over the API, read through the same selectors as the pages."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xuncha.accounts.http import ApiRequest
from xuncha.accounts.models import User
from xuncha.lib.apipaging import MAX_INT, BoundedLimitOffsetPagination
from xuncha.lib.errors import DomainError, Forbidden

from . import selectors as sel
from . import services
from .access import (
    access_cadre,
    access_committee,
    access_inspector,
    access_unit,
    can_open_units,
)
from .models import Cadre, Committee, Inspector, Rank, Term, Unit, UnitKind

router = Router(tags=["organizations"])


def _require_reader(user: User) -> None:
    """The register lists answer who may open the unit pages (each scoped by its selector)."""
    if not can_open_units(user=user):
        raise Forbidden()


class CommitteeOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    level: str
    parent_id: int | None
    region: str


class TermOut(Schema):
    id: int
    committee_id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    committee_id: int
    locality: str
    archived: bool = Field(False)

    @staticmethod
    def resolve_archived(obj: Unit) -> bool:
        return obj.archived_at is not None


class UnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=100)
    kind: UnitKind
    committee_id: int
    parent_id: int | None = None
    locality: str = Field("", max_length=50)


class UnitPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: UnitKind | None = None
    parent_id: int | None = None
    locality: str | None = Field(None, max_length=50)


class UnitFilters(Schema):
    q: str = ""
    kind: str = ""
    committee: int | None = Field(None, ge=1, le=MAX_INT)
    archived: str = ""


class CadreOut(Schema):
    id: int
    name: str
    gender: str
    unit_id: int
    position: str
    rank: str
    is_principal: bool
    managing_committee_id: int
    native_place: str


class CadreIn(Schema):
    name: str = Field(..., min_length=1, max_length=32)
    unit_id: int
    position: str = Field(..., min_length=1, max_length=100)
    rank: Rank
    is_principal: bool = False
    managing_committee_id: int
    gender: str = Field("", pattern="^(m|f|)$")
    native_place: str = Field("", max_length=50)


class CadreFilters(Schema):
    q: str = ""
    rank: str = ""
    unit: int | None = Field(None, ge=1, le=MAX_INT)
    principal: str = ""
    archived: str = ""


class InspectorOut(Schema):
    id: int
    cadre_id: int
    name: str
    committee_id: int
    expertise: list[str]
    note: str

    @staticmethod
    def resolve_name(obj: Inspector) -> str:
        return obj.cadre.name


@router.get("/committees", response=list[CommitteeOut], summary="Committees you can read")
def committee_list(request: ApiRequest) -> QuerySet[Committee]:
    return sel.committees_visible_to(user=request.auth)


@router.get("/committees/{committee_id}/terms", response=list[TermOut])
def term_list(request: ApiRequest, committee_id: int) -> QuerySet[Term]:
    return access_committee(user=request.auth, pk=committee_id).terms.all()


@router.get("/units", response=list[UnitOut], summary="Units in your scope")
@paginate(BoundedLimitOffsetPagination)
def unit_list(request: ApiRequest, filters: Query[UnitFilters]) -> QuerySet[Unit]:
    _require_reader(request.auth)
    return sel.units_filter(sel.units_visible_to(user=request.auth),
                            **filters.dict()).order_by("code")


@router.get("/units/{unit_id}", response=UnitOut)
def unit_get(request: ApiRequest, unit_id: int) -> Unit:
    return access_unit(user=request.auth, pk=unit_id)


def _visible_unit(user: User, unit_id: int | None) -> Unit | None:
    return access_unit(user=user, pk=unit_id) if unit_id else None


@router.post("/units", response={201: UnitOut}, summary="Create a unit (office)")
def unit_create(request: ApiRequest, payload: UnitIn) -> tuple[int, Unit]:
    committee = access_committee(user=request.auth, pk=payload.committee_id)
    data = payload.dict(exclude={"committee_id", "parent_id"}) | {
        "committee": committee, "parent": _visible_unit(request.auth, payload.parent_id)}
    return 201, services.unit_create(actor=request.auth, data=data)


@router.patch("/units/{unit_id}", response=UnitOut, summary="Change a unit (office)")
def unit_update(request: ApiRequest, unit_id: int, payload: UnitPatch) -> Unit:
    unit = access_unit(user=request.auth, pk=unit_id)
    data = payload.dict(exclude_unset=True)
    for name in ("code", "name", "kind", "locality"):
        if name in data and data[name] is None:
            raise DomainError(_("%(field)s cannot be empty; leave it out to keep it.")
                              % {"field": name}, field=name)
    if "parent_id" in data:
        data["parent"] = _visible_unit(request.auth, data.pop("parent_id"))
    return services.unit_update(actor=request.auth, unit=unit, data=data)


@router.post("/units/{unit_id}/archive", response=UnitOut)
def unit_archive(request: ApiRequest, unit_id: int) -> Unit:
    unit = access_unit(user=request.auth, pk=unit_id)
    return services.unit_archive(actor=request.auth, unit=unit)


@router.get("/cadres", response=list[CadreOut], summary="Cadres in your scope")
@paginate(BoundedLimitOffsetPagination)
def cadre_list(request: ApiRequest, filters: Query[CadreFilters]) -> QuerySet[Cadre]:
    _require_reader(request.auth)
    return sel.cadres_filter(sel.cadres_visible_to(user=request.auth),
                             **filters.dict()).order_by("pk")


@router.get("/cadres/{cadre_id}", response=CadreOut)
def cadre_get(request: ApiRequest, cadre_id: int) -> Cadre:
    return access_cadre(user=request.auth, pk=cadre_id)


@router.post("/cadres", response={201: CadreOut}, summary="Add a cadre (office)")
def cadre_create(request: ApiRequest, payload: CadreIn) -> tuple[int, Cadre]:
    unit = access_unit(user=request.auth, pk=payload.unit_id)
    committee = access_committee(user=request.auth, pk=payload.managing_committee_id)
    data = payload.dict(exclude={"unit_id", "managing_committee_id"}) | {
        "unit": unit, "managing_committee": committee}
    return 201, services.cadre_create(actor=request.auth, data=data)


@router.get("/inspectors", response=list[InspectorOut], summary="The inspector pool")
@paginate(BoundedLimitOffsetPagination)
def inspector_list(request: ApiRequest) -> QuerySet[Inspector]:
    _require_reader(request.auth)
    return sel.inspectors_visible_to(user=request.auth).select_related("cadre").order_by("pk")


@router.get("/inspectors/{inspector_id}", response=InspectorOut)
def inspector_get(request: ApiRequest, inspector_id: int) -> Inspector:
    return access_inspector(user=request.auth, pk=inspector_id)
