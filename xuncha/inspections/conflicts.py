"""Avoidance (回避) and rotation (三个不固定) checks for team members.

Conflicts refuse a member unless an override with a written reason is given; warnings
are shown but do not block.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.organizations.models import Inspector, InspectorTie, TieKind, Unit

from .models import Inspection, Team, TeamMember, TeamPosition


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def _ancestors(unit: Unit) -> list[Unit]:
    chain, seen = [], set()
    node = unit.parent
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return chain


def _years_ago(years: int, today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def conflicts_for(*, inspector: Inspector, units: list[Unit],
                  today: datetime.date | None = None) -> list[Finding]:
    """Why ``inspector`` must not inspect any of ``units`` (empty list: no conflict)."""
    if not units:
        return []
    today = today or timezone.localdate()
    findings: list[Finding] = []
    cadre = inspector.cadre
    for unit in units:
        parents = _ancestors(unit)
        related = [unit, *parents]
        related_ids = {u.pk for u in related}
        # Working there now.
        if cadre.unit_id in related_ids:
            findings.append(Finding("works_there", _(
                "%(name)s works at %(unit)s, the target or its parent.")
                % {"name": cadre.name, "unit": cadre.unit.name}))
        # Worked there within the avoidance period.
        years = inspector.committee.conflict_years
        since = _years_ago(years, today)
        past = InspectorTie.objects.filter(
            inspector=inspector, kind=TieKind.WORK, unit_id__in=related_ids).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=since)).select_related("unit")
        for tie in past:
            findings.append(Finding("worked_there", _(
                "%(name)s worked at %(unit)s until %(until)s, within the %(years)d-year "
                "avoidance period.") % {"name": cadre.name, "unit": tie.unit.name,
                                       "until": tie.ends_on or _("now"), "years": years}))
        relatives = InspectorTie.objects.filter(
            inspector=inspector, kind=TieKind.RELATIVE, unit_id__in=related_ids).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related("unit")
        for tie in relatives:
            findings.append(Finding("relative_there", _(
                "%(name)s declared a relative (%(relation)s) at %(unit)s.")
                % {"name": cadre.name, "relation": tie.relation, "unit": tie.unit.name}))
        if inspector.committee.same_locality_rule and unit.locality:
            own = {cadre.native_place, cadre.unit.locality} - {""}
            if unit.locality in own:
                findings.append(Finding("same_locality", _(
                    "%(name)s comes from %(place)s, the target's locality.")
                    % {"name": cadre.name, "place": unit.locality}))
    # One finding per code and message is enough.
    unique: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.code, finding.message), finding)
    return list(unique.values())


def team_window(team: Team) -> tuple[datetime.date, datetime.date]:
    """The days a team is busy: its inspections' periods, or the round's plan before then."""
    spans = list(team.inspections.values_list("period_start", "period_end"))
    if spans:
        return min(s for s, _e in spans), max(e for _s, e in spans)
    return team.round.planned_start, team.round.planned_end


def overlapping_assignments(*, inspector: Inspector, team: Team) -> list[Finding]:
    """Other teams the inspector is on whose busy windows overlap this team's."""
    start, end = team_window(team)
    findings = []
    others = (TeamMember.objects.filter(inspector=inspector).exclude(team=team)
              .select_related("team__round__committee", "team__round__term"))
    for member in others:
        other = member.team
        o_start, o_end = team_window(other)
        same_round = other.round_id == team.round_id
        if same_round or (o_start <= end and start <= o_end):
            findings.append(Finding("overlap", _(
                "%(name)s is already on %(team)s of %(round)s (%(start)s – %(end)s).")
                % {"name": inspector.cadre.name, "team": other.name, "round": other.round.name,
                   "start": o_start, "end": o_end}))
    return findings


def rotation_warnings(*, team: Team) -> list[Finding]:
    """三个不固定: warn when the leader meets a target again, or the make-up repeats."""
    warnings: list[Finding] = []
    leader = team.members.filter(position=TeamPosition.LEADER).select_related(
        "inspector__cadre").first()
    units = list(team.inspections.values_list("unit_id", flat=True))
    if leader and units:
        earlier = (Inspection.objects.filter(unit_id__in=units,
                                             team__members__inspector=leader.inspector,
                                             team__members__position=TeamPosition.LEADER)
                   .exclude(team=team).select_related("unit", "round__term", "round__committee"))
        for inspection in earlier:
            warnings.append(Finding("leader_again", _(
                "The leader %(name)s already led the inspection of %(unit)s in %(round)s.")
                % {"name": leader.inspector.cadre.name, "unit": inspection.unit.name,
                   "round": inspection.round.name}))
    members = set(team.members.values_list("inspector_id", flat=True))
    if len(members) >= 2:
        previous_round = (team.round.committee.rounds.filter(
            planned_start__lt=team.round.planned_start).order_by("-planned_start").first())
        if previous_round is not None:
            for other in previous_round.teams.all():
                if set(other.members.values_list("inspector_id", flat=True)) == members:
                    warnings.append(Finding("same_makeup", _(
                        "This team has the same members as %(team)s of the previous round.")
                        % {"team": other.name}))
    return warnings
