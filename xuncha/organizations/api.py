"""Organization data over the API, read through the same selectors as the pages."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xuncha.accounts.roles import Role
from xuncha.lib.apipaging import MAX_INT, BoundedLimitOffsetPagination
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.lookup import get_or_404

from . import selectors as sel
from . import services
from .models import Committee, Rank, UnitKind

router = Router(tags=["organizations"])


def _require_reader(user) -> None:
    if not (user.is_superuser or user.role in (*sel.ORG_READ_ROLES, Role.LIAISON)):
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
    def resolve_archived(obj) -> bool:
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
    def resolve_name(obj) -> str:
        return obj.cadre.name


@router.get("/committees", response=list[CommitteeOut], summary="Committees you can read")
def committee_list(request) -> QuerySet[Committee]:
    return sel.committees_visible_to(user=request.auth)


@router.get("/committees/{committee_id}/terms", response=list[TermOut])
def term_list(request, committee_id: int):
    committee = get_or_404(sel.committees_visible_to(user=request.auth), committee_id)
    return committee.terms.all()


@router.get("/units", response=list[UnitOut], summary="Units in your scope")
@paginate(BoundedLimitOffsetPagination)
def unit_list(request, filters: Query[UnitFilters]):
    _require_reader(request.auth)
    return sel.units_filter(sel.units_visible_to(user=request.auth),
                            **filters.dict()).order_by("code")


@router.get("/units/{unit_id}", response=UnitOut)
def unit_get(request, unit_id: int):
    return get_or_404(sel.units_visible_to(user=request.auth), unit_id)


def _visible_unit(user, unit_id):
    return get_or_404(sel.units_visible_to(user=user), unit_id) if unit_id else None


@router.post("/units", response={201: UnitOut}, summary="Create a unit (office)")
def unit_create(request, payload: UnitIn):
    committee = get_or_404(sel.committees_visible_to(user=request.auth),
                                payload.committee_id)
    data = payload.dict(exclude={"committee_id", "parent_id"}) | {
        "committee": committee, "parent": _visible_unit(request.auth, payload.parent_id)}
    return 201, services.unit_create(actor=request.auth, data=data)


@router.patch("/units/{unit_id}", response=UnitOut, summary="Change a unit (office)")
def unit_update(request, unit_id: int, payload: UnitPatch):
    unit = get_or_404(sel.units_visible_to(user=request.auth), unit_id)
    data = payload.dict(exclude_unset=True)
    for name in ("code", "name", "kind", "locality"):
        if name in data and data[name] is None:
            raise DomainError(_("%(field)s cannot be empty; leave it out to keep it.")
                              % {"field": name}, field=name)
    if "parent_id" in data:
        data["parent"] = _visible_unit(request.auth, data.pop("parent_id"))
    return services.unit_update(actor=request.auth, unit=unit, data=data)


@router.post("/units/{unit_id}/archive", response=UnitOut)
def unit_archive(request, unit_id: int):
    unit = get_or_404(sel.units_visible_to(user=request.auth), unit_id)
    return services.unit_archive(actor=request.auth, unit=unit)


@router.get("/cadres", response=list[CadreOut], summary="Cadres in your scope")
@paginate(BoundedLimitOffsetPagination)
def cadre_list(request, filters: Query[CadreFilters]):
    _require_reader(request.auth)
    return sel.cadres_filter(sel.cadres_visible_to(user=request.auth),
                             **filters.dict()).order_by("pk")


@router.get("/cadres/{cadre_id}", response=CadreOut)
def cadre_get(request, cadre_id: int):
    return get_or_404(sel.cadres_visible_to(user=request.auth), cadre_id)


@router.post("/cadres", response={201: CadreOut}, summary="Add a cadre (office)")
def cadre_create(request, payload: CadreIn):
    unit = get_or_404(sel.units_visible_to(user=request.auth), payload.unit_id)
    committee = get_or_404(sel.committees_visible_to(user=request.auth),
                                payload.managing_committee_id)
    data = payload.dict(exclude={"unit_id", "managing_committee_id"}) | {
        "unit": unit, "managing_committee": committee}
    return 201, services.cadre_create(actor=request.auth, data=data)


@router.get("/inspectors", response=list[InspectorOut], summary="The inspector pool")
@paginate(BoundedLimitOffsetPagination)
def inspector_list(request):
    _require_reader(request.auth)
    return sel.inspectors_visible_to(user=request.auth).select_related("cadre").order_by("pk")


@router.get("/inspectors/{inspector_id}", response=InspectorOut)
def inspector_get(request, inspector_id: int):
    return get_or_404(sel.inspectors_visible_to(user=request.auth).select_related("cadre"),
                           inspector_id)
