"""Reads of rounds, teams and inspections, scoped to the reader.

- office and leadership: their own committee's work;
- team: the inspections of teams they are on;
- liaison: the inspections of their own unit once the team is stationed;
- receivers and oversight: none (oversight reads statistics in the stats app).
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.errors import Forbidden, NotFound
from xuncha.organizations.models import Committee, Inspector, Term, Unit
from xuncha.organizations.selectors import committee_subtree

from .models import (
    STATUS_ORDER,
    Channel,
    Inspection,
    InspectionStatus,
    Round,
    RoundKind,
    Team,
    TeamMember,
    TeamPosition,
    WorkdayOverride,
)

STAFF_ROLES = (Role.OFFICE, Role.LEADERSHIP)


def inspections_visible_to(*, user: User) -> QuerySet[Inspection]:
    qs = Inspection.objects.all()
    if user.role in STAFF_ROLES and user.committee_id:
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return qs.filter(team__members__inspector_id=user.inspector_id)
    if user.role == Role.LIAISON and user.unit_id:
        started = STATUS_ORDER[STATUS_ORDER.index(InspectionStatus.STATIONED):]
        return qs.filter(unit_id=user.unit_id, status__in=started)
    return qs.none()


def rounds_visible_to(*, user: User) -> QuerySet[Round]:
    if user.role in STAFF_ROLES and user.committee_id:
        return Round.objects.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return Round.objects.filter(teams__members__inspector_id=user.inspector_id).distinct()
    return Round.objects.none()


def teams_visible_to(*, user: User) -> QuerySet[Team]:
    if user.role in STAFF_ROLES and user.committee_id:
        return Team.objects.filter(round__committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return Team.objects.filter(members__inspector_id=user.inspector_id)
    return Team.objects.none()


def members_visible_to(*, user: User) -> QuerySet[TeamMember]:
    """Memberships of the teams the user sees."""
    return TeamMember.objects.filter(team__in=teams_visible_to(user=user))


def channels_visible_to(*, user: User) -> QuerySet[Channel]:
    """Channels of the inspections the user sees."""
    return Channel.objects.filter(inspection__in=inspections_visible_to(user=user))


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


def members_in_order(qs: QuerySet[TeamMember]) -> QuerySet[TeamMember]:
    """Team members with the leader first, then deputies, then members."""
    return qs.annotate(position_rank=Case(
        When(position=TeamPosition.LEADER, then=Value(0)),
        When(position=TeamPosition.DEPUTY, then=Value(1)),
        default=Value(2), output_field=IntegerField())).order_by("position_rank", "pk")


# --- pages of rounds and teams ---------------------------------------------------------------


def terms_for_planning(*, user: User) -> QuerySet[Term]:
    """The terms of the user's committee, newest first (rounds are planned within one)."""
    if user.committee_id is None:
        return Term.objects.none()
    return Term.objects.filter(committee_id=user.committee_id).order_by("-starts_on")


def term_for_planning(*, user: User, wanted: str | None, today: datetime.date) -> Term | None:
    """The term a planning page shows: the one asked for (refused if not the committee's),
    else the current one, else the newest."""
    terms = terms_for_planning(user=user)
    if wanted:
        term = terms.filter(pk=wanted if str(wanted).isdigit() else 0).first()
        if term is None:
            raise Forbidden()
        return term
    return terms.filter(starts_on__lte=today, ends_on__gte=today).first() or terms.first()


def round_teams(*, user: User, round: Round) -> QuerySet[Team]:
    """The round's teams the user sees, with their members (leader first) and targets."""
    return (teams_visible_to(user=user).filter(round=round)
            .prefetch_related(Prefetch("members", queryset=members_in_order(
                TeamMember.objects.select_related("inspector__cadre__unit"))),
                Prefetch("inspections", queryset=Inspection.objects.select_related("unit"))))


def team_members(team: Team) -> list[TeamMember]:
    return list(members_in_order(team.members.select_related("inspector__cadre__unit",
                                                             "overridden_by")))


def team_targets(team: Team) -> list[Inspection]:
    return list(team.inspections.select_related("unit__parent", "unit__committee"))


def inspector_pool(*, team: Team) -> QuerySet[Inspector]:
    """Who can join ``team``: active inspectors of the round's committee or the committees
    below it, not on the team yet."""
    committee_ids = committee_subtree(team.round.committee).values("pk")
    return (Inspector.objects.filter(committee__in=committee_ids, archived_at__isnull=True)
            .exclude(memberships__team=team).select_related("cadre__unit")
            .order_by("committee__path", "cadre__name"))


def target_units(*, team: Team) -> QuerySet[Unit]:
    """Units the team may be stationed at: the committee's own, and for escalated and cross
    rounds those of the committees below."""
    committee = team.round.committee
    if team.round.kind in (RoundKind.ESCALATED, RoundKind.CROSS):
        units = Unit.objects.filter(committee__in=committee_subtree(committee).values("pk"))
    else:
        units = Unit.objects.filter(committee=committee)
    return units.filter(archived_at__isnull=True).select_related("committee").order_by(
        "committee__path", "code")


def active_inspections_elsewhere(*, user: User, round: Round, units: list[Unit],
                                 revisit_of: Inspection | None = None) -> list[Inspection]:
    """The inspections, not yet closed, of other rounds at these units, as far as ``user``
    may see them: adding such a unit to another round is warned about (#18 item 7). The
    inspection a revisit follows up is not a clash."""
    qs = inspections_visible_to(user=user).filter(unit__in=units).exclude(
        round=round).exclude(status=InspectionStatus.CLOSED)
    if revisit_of is not None:
        qs = qs.exclude(pk=revisit_of.pk)
    return list(qs.select_related("unit", "team", "round__term").order_by("unit__code", "pk"))


def earlier_inspections(*, user: User) -> QuerySet[Inspection]:
    """Inspections a revisit (回头看) can follow up: the user's, once stationed."""
    return inspections_visible_to(user=user).filter(
        status__in=[s for s in InspectionStatus.values if s != InspectionStatus.PLANNED]
    ).select_related("unit", "team__round__committee", "round__term")


@dataclass
class LoadRow:
    inspector: Inspector
    months: list[list[str]]
    total: int


def inspector_load(*, user: User, year: int) -> tuple[list[datetime.date], list[LoadRow]]:
    """Each active inspector of the user's committee with the teams they are on in each month
    of ``year`` (the team's on-site span, else the round's plan) and the count that year."""
    committee_id = user.committee_id
    pool = [] if committee_id is None else list(
        Inspector.objects.filter(committee_id=committee_id, archived_at__isnull=True)
        .select_related("cadre__unit").order_by("cadre__name"))
    memberships = (TeamMember.objects.filter(inspector__in=pool)
                   .select_related("team__round__committee", "team__round__term"))
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    load: dict[int, list[list[str]]] = {i.pk: [[] for _m in months] for i in pool}
    totals: dict[int, int] = {i.pk: 0 for i in pool}
    spans: dict[int, tuple[datetime.date, datetime.date]] = {}
    team_ids = {m.team_id for m in memberships}
    for team_id, start, end in Inspection.objects.filter(team_id__in=team_ids).values_list(
            "team_id", "period_start", "period_end"):
        old = spans.get(team_id)
        spans[team_id] = (min(start, old[0]), max(end, old[1])) if old else (start, end)
    for member in memberships:
        team = member.team
        start, end = spans.get(team.pk, (team.round.planned_start, team.round.planned_end))
        for index, month in enumerate(months):
            month_end = (months[index + 1] if index < 11 else datetime.date(year + 1, 1, 1)) - (
                datetime.timedelta(days=1))
            if start <= month_end and end >= month:
                load[member.inspector_id][index].append(f"{team.round.name} {team.name}")
        if start.year <= year <= end.year:
            totals[member.inspector_id] += 1
    return months, [LoadRow(i, load[i.pk], totals[i.pk]) for i in pool]


def timeline_rounds(*, term: Term) -> QuerySet[Round]:
    """The term's rounds with their teams, leaders and targets (the timeline page)."""
    return (Round.objects.filter(term=term).select_related("committee", "term")
            .prefetch_related(Prefetch("teams__inspections",
                                       queryset=Inspection.objects.select_related("unit")),
                              "teams__members__inspector__cadre")
            .order_by("planned_start"))


# --- pages of an inspection ------------------------------------------------------------------


def inspection_siblings(inspection: Inspection) -> list[Inspection]:
    """The team's other targets (一托N)."""
    return list(inspection.team.inspections.exclude(pk=inspection.pk).select_related("unit"))


def team_inspections(inspection: Inspection) -> QuerySet[Inspection]:
    """All targets of the inspection's team, itself included."""
    return inspection.team.inspections.all()


def inspection_members(inspection: Inspection) -> QuerySet[TeamMember]:
    return members_in_order(inspection.team.members.select_related("inspector__cadre__unit"))


# --- the calendar ------------------------------------------------------------------------------


def calendar_committee(*, user: User) -> Committee | None:
    """Whose calendar the page edits: everyone's for the platform operator, else the own."""
    return None if user.is_superuser else user.committee


def workday_overrides_editable_by(*, user: User) -> QuerySet[WorkdayOverride]:
    """The overrides the calendar page offers to remove (the service decides who may)."""
    return WorkdayOverride.objects.filter(committee=calendar_committee(user=user))


def workday_overrides_shown_to(*, user: User) -> QuerySet[WorkdayOverride]:
    """The overrides that apply to the user's calendar: the committee's and everyone's."""
    committee = calendar_committee(user=user)
    return (WorkdayOverride.objects.filter(Q(committee=committee) | Q(committee__isnull=True))
            .order_by("-date"))


# --- public pages ------------------------------------------------------------------------------

#: Public pages and the public report API look the target up on every request; under a
#: flood of reports the lookup (a five-table join) was a quarter of the request. Each
#: process keeps what it found for a few seconds (``XUNCHA_PUBLIC_CODE_CACHE_SECONDS``;
#: off in tests). Saving an inspection drops it from the saving process at once; other
#: processes see the change after at most that many seconds.
_PUBLIC_CODES: dict[str, tuple[float, Inspection | None]] = {}


def _public_code_seconds() -> float:
    default = 0 if getattr(settings, "TESTING", False) else 15
    return float(getattr(settings, "XUNCHA_PUBLIC_CODE_CACHE_SECONDS", default))


def forget_public_code(code: str) -> None:
    _PUBLIC_CODES.pop(code, None)


def inspection_by_public_code(code: str) -> Inspection:
    """The inspection behind a public page; only published (stationed) ones are shown."""
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
