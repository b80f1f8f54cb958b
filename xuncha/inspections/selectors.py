"""Reads of rounds, teams and inspections, scoped to the reader.

- office and leadership: their own committee's work;
- team: the inspections of teams they are on;
- liaison: the inspections of their own unit once the team is stationed;
- receivers and oversight: none (oversight reads statistics in the stats app).
"""

from django.db.models import Q, QuerySet

from xuncha.accounts.roles import Role
from xuncha.lib.errors import NotFound

from .models import STATUS_ORDER, Inspection, InspectionStatus, Round, Team

STAFF_ROLES = (Role.OFFICE, Role.LEADERSHIP)


def inspections_visible_to(*, user) -> QuerySet[Inspection]:
    qs = Inspection.objects.all()
    if user.role in STAFF_ROLES and user.committee_id:
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return qs.filter(team__members__inspector_id=user.inspector_id)
    if user.role == Role.LIAISON and user.unit_id:
        started = STATUS_ORDER[STATUS_ORDER.index(InspectionStatus.STATIONED):]
        return qs.filter(unit_id=user.unit_id, status__in=started)
    return qs.none()


def rounds_visible_to(*, user) -> QuerySet[Round]:
    if user.role in STAFF_ROLES and user.committee_id:
        return Round.objects.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return Round.objects.filter(teams__members__inspector_id=user.inspector_id).distinct()
    return Round.objects.none()


def teams_visible_to(*, user) -> QuerySet[Team]:
    if user.role in STAFF_ROLES and user.committee_id:
        return Team.objects.filter(round__committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return Team.objects.filter(members__inspector_id=user.inspector_id)
    return Team.objects.none()


def inspections_filter(qs: QuerySet[Inspection], *, q: str = "", status: str = "",
                       round: int | None = None, kind: str = "") -> QuerySet[Inspection]:
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(unit__code__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if round:
        qs = qs.filter(round_id=round)
    if kind:
        qs = qs.filter(unit__kind=kind)
    return qs


#: Public pages and the public report API look the target up on every request; under a
#: flood of reports the lookup (a five-table join) was a quarter of the request. Each
#: process keeps what it found for a few seconds (``XUNCHA_PUBLIC_CODE_CACHE_SECONDS``;
#: off in tests). Saving an inspection drops it from the saving process at once; other
#: processes see the change after at most that many seconds.
_PUBLIC_CODES: dict[str, tuple[float, Inspection | None]] = {}


def _public_code_seconds() -> float:
    from django.conf import settings

    default = 0 if getattr(settings, "TESTING", False) else 15
    return float(getattr(settings, "XUNCHA_PUBLIC_CODE_CACHE_SECONDS", default))


def forget_public_code(code: str) -> None:
    _PUBLIC_CODES.pop(code, None)


def inspection_by_public_code(code: str) -> Inspection:
    """The inspection behind a public page; only published (stationed) ones are shown."""
    import time

    code = (code or "")[:16]
    ttl = _public_code_seconds()
    now = time.monotonic()
    hit = _PUBLIC_CODES.get(code) if ttl else None
    if hit is not None and now - hit[0] < ttl:
        inspection = hit[1]
    else:
        inspection = (Inspection.objects.select_related(
            "unit", "committee", "team__round__committee", "round__term")
            .filter(public_code=code).first())
        if ttl:
            if len(_PUBLIC_CODES) > 5000:
                _PUBLIC_CODES.clear()
            _PUBLIC_CODES[code] = (now, inspection)
    if inspection is None or not inspection.reached(InspectionStatus.STATIONED):
        raise NotFound()
    return inspection


def members_in_order(qs):
    """Team members with the leader first, then deputies, then members."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import TeamPosition

    return qs.annotate(position_rank=Case(
        When(position=TeamPosition.LEADER, then=Value(0)),
        When(position=TeamPosition.DEPUTY, then=Value(1)),
        default=Value(2), output_field=IntegerField())).order_by("position_rank", "pk")
