"""The figures of the oversight dashboard, per committee, from grouped queries.

Every figure is a ``COUNT`` grouped by ``committee_id`` (and one dimension), so one set of
about a dozen queries serves a county's own dashboard and a province's roll-up of its
whole subtree alike; the roll-up then adds the per-committee figures up the tree in Python.

Only counts leave this module: never a petition, clue or reporter (the roll-up rule of
巡视巡察上下联动 — upper committees supervise with statistics).
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from xuncha.findings.models import Clue, Problem, ProblemCategory, ProblemStatus
from xuncha.inspections.coverage import STARTED
from xuncha.inspections.models import Inspection, Round, TeamMember
from xuncha.organizations.models import Committee, Term, Unit
from xuncha.petitions.models import Petition
from xuncha.rectification.models import OPEN_MEASURE, Measure, MeasureStatus
from xuncha.teamwork.models import SelfFoundProblem

APPROVED_PROBLEM = [ProblemStatus.TEAM_APPROVED, ProblemStatus.SIGNED]
ACTIVE_INSPECTION = [s for s in STARTED if s not in ("closed",)]

#: Seconds a computed set of figures is reused. The roll-up of a province reads every row of
#: the term (a million petitions, 750,000 measures): recomputing it costs one to two seconds
#: on the bench machine, against a few milliseconds for a committee of a county. So figures
#: are cached, stamped with the time they were computed, and the page offers a refresh;
#: the ``stats-refresh`` job recomputes, every minute, the unfiltered figures of the
#: committees whose dashboard was opened in the last hour, so that readers find them warm.
#: ``make bench`` reports both the recomputed and the served time.
CACHE_SECONDS = 180
SEEN_KEY = "stats:v1:seen"
SEEN_SECONDS = 3600


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    term: int | None = None  # a term id: inspections of that term's rounds (and their records)
    round: int | None = None
    kind: str = ""  # unit kind of the inspected / reported unit

    def key(self) -> str:
        return "|".join(str(v or "") for v in (self.date_from, self.date_to, self.term,
                                                  self.round, self.kind))

    def params(self) -> dict[str, str]:
        out = {}
        for name in ("date_from", "date_to", "term", "round", "kind"):
            value = getattr(self, name)
            if value:
                out[name] = str(value)
        return out


@dataclass
class Figures:
    """The counts of one committee (or of a subtree, once added up)."""

    inspections: Counter = field(default_factory=Counter)  # by status
    rounds: Counter = field(default_factory=Counter)  # by status
    units: int = 0  # units under the committee's jurisdiction (coverage universe)
    covered: int = 0  # of them, inspected in the current (or chosen) term
    petitions_channel: Counter = field(default_factory=Counter)
    petitions_category: Counter = field(default_factory=Counter)
    petitions_status: Counter = field(default_factory=Counter)
    petitions_late: int = 0
    problems_category: Counter = field(default_factory=Counter)  # by category name
    problems_immediate: int = 0
    #: problems the units found themselves before the inspection (自查), and of them fixed
    #: at once (即知即改): counted apart from the teams' problems
    self_found: int = 0
    self_found_fixed: int = 0
    clues_status: Counter = field(default_factory=Counter)
    clues_handling: Counter = field(default_factory=Counter)
    clues_outcome: Counter = field(default_factory=Counter)
    measures_status: Counter = field(default_factory=Counter)
    measures_overdue: int = 0
    inspectors_active: int = 0

    # -- derived -------------------------------------------------------------------------
    @property
    def inspections_total(self) -> int:
        return sum(self.inspections.values())

    @property
    def petitions_total(self) -> int:
        return sum(self.petitions_channel.values())

    @property
    def problems_total(self) -> int:
        return sum(self.problems_category.values())

    @property
    def clues_total(self) -> int:
        return sum(self.clues_status.values())

    @property
    def measures_total(self) -> int:
        return sum(self.measures_status.values())

    @property
    def measures_closed(self) -> int:
        return self.measures_status.get(MeasureStatus.CLOSED, 0)

    @property
    def measures_open(self) -> int:
        return sum(self.measures_status.get(s, 0) for s in OPEN_MEASURE)

    @property
    def completion(self) -> float | None:
        """Closed (销号) measures as a share of all, in percent; None without measures."""
        total = self.measures_total
        return round(self.measures_closed * 100 / total, 2) if total else None

    @property
    def coverage(self) -> float | None:
        return round(self.covered * 100 / self.units, 1) if self.units else None

    def add(self, other: Figures) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(value)
            else:
                setattr(self, name, mine + value)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _range(field_name: str, f: Filters, *, datetime_field: bool = False) -> Q:
    q = Q()
    if f.date_from:
        q &= Q(**{f"{field_name}__gte": _day_start(f.date_from) if datetime_field
                  else f.date_from})
    if f.date_to:
        end = f.date_to + datetime.timedelta(days=1)
        q &= Q(**{f"{field_name}__lt": _day_start(end) if datetime_field else end})
    return q


def _via_inspection(prefix: str, f: Filters) -> Q:
    """The term/round/kind filters on records that hang on an inspection."""
    q = Q()
    if f.term:
        q &= Q(**{f"{prefix}round__term_id": f.term})
    if f.round:
        q &= Q(**{f"{prefix}round_id": f.round})
    if f.kind:
        q &= Q(**{f"{prefix}unit__kind": f.kind})
    return q


def _grouped(qs, dimension: str) -> list[tuple[int, object, int]]:
    return [(r["committee_id"], r[dimension], r["n"]) for r in
            qs.values("committee_id", dimension).annotate(n=Count("*")).order_by()]


def compute(committee_ids: list[int], f: Filters, *, today: datetime.date) -> dict[int, Figures]:
    """Figures for each committee in ``committee_ids`` (its own records only, no subtree)."""
    figures = {cid: Figures() for cid in committee_ids}
    ids = list(committee_ids)

    def put(rows, attribute):
        for cid, key, n in rows:
            getattr(figures[cid], attribute)[key if key is not None else ""] += n

    inspections = Inspection.objects.filter(committee_id__in=ids).filter(
        _range("period_start", f), _via_inspection("", f))
    put(_grouped(inspections, "status"), "inspections")

    rounds = Round.objects.filter(committee_id__in=ids)
    if f.term:
        rounds = rounds.filter(term_id=f.term)
    if f.round:
        rounds = rounds.filter(pk=f.round)
    rounds = rounds.filter(_range("planned_start", f))
    put(_grouped(rounds, "status"), "rounds")

    # Coverage: units under each committee against those inspected in the chosen term, or
    # else in the term that runs today.
    units = Unit.objects.filter(committee_id__in=ids, archived_at__isnull=True)
    if f.kind:
        units = units.filter(kind=f.kind)
    for r in units.values("committee_id").annotate(n=Count("*")).order_by():
        figures[r["committee_id"]].units = r["n"]
    if f.term:
        terms = list(Term.objects.filter(pk=f.term, committee_id__in=ids).values_list("pk",
                                                                                      flat=True))
    else:
        terms = list(Term.objects.filter(committee_id__in=ids, starts_on__lte=today,
                                         ends_on__gte=today).values_list("pk", flat=True))
    if terms:
        covered = Inspection.objects.filter(committee_id__in=ids, round__term_id__in=terms,
                                            status__in=STARTED,
                                            unit__committee_id__in=ids)
        if f.kind:
            covered = covered.filter(unit__kind=f.kind)
        for r in covered.values("committee_id").annotate(
                n=Count("unit_id", distinct=True)).order_by():
            figures[r["committee_id"]].covered = r["n"]

    petitions = Petition.objects.filter(committee_id__in=ids).filter(
        _range("received_at", f, datetime_field=True))
    if f.term or f.round:
        petitions = petitions.filter(_via_inspection("inspection__", Filters(
            term=f.term, round=f.round)))
    if f.kind:
        petitions = petitions.filter(unit__kind=f.kind)
    # One scan per table: every dimension of a table comes from one GROUP BY.
    for r in petitions.values("committee_id", "channel", "status", "category", "late").annotate(
            n=Count("*")).order_by():
        fig = figures[r["committee_id"]]
        fig.petitions_channel[r["channel"]] += r["n"]
        fig.petitions_status[r["status"]] += r["n"]
        if r["category"]:
            fig.petitions_category[r["category"]] += r["n"]
        if r["late"]:
            fig.petitions_late += r["n"]

    category_names = dict(ProblemCategory.objects.values_list("pk", "name"))
    problems = Problem.objects.filter(committee_id__in=ids, status__in=APPROVED_PROBLEM).filter(
        _range("found_on", f), _via_inspection("inspection__", f))
    for r in problems.values("committee_id", "category_id", "immediate").annotate(
            n=Count("*")).order_by():
        fig = figures[r["committee_id"]]
        fig.problems_category[category_names.get(r["category_id"], "")] += r["n"]
        if r["immediate"]:
            fig.problems_immediate += r["n"]

    self_found = SelfFoundProblem.objects.filter(committee_id__in=ids).filter(
        _via_inspection("inspection__", f), _range("self_check__submitted_at", f,
                                                   datetime_field=True))
    for r in self_found.values("committee_id").annotate(
            n=Count("*"), n_fixed=Count("fixed_on")).order_by():
        fig = figures[r["committee_id"]]
        fig.self_found += r["n"]
        fig.self_found_fixed += r["n_fixed"]

    clues = Clue.objects.filter(committee_id__in=ids).filter(
        _range("created_at", f, datetime_field=True), _via_inspection("inspection__", f))
    for r in clues.values("committee_id", "status", "handling", "outcome").annotate(
            n=Count("*")).order_by():
        fig = figures[r["committee_id"]]
        fig.clues_status[r["status"]] += r["n"]
        if r["handling"]:
            fig.clues_handling[r["handling"]] += r["n"]
        if r["outcome"]:
            fig.clues_outcome[r["outcome"]] += r["n"]

    measures = Measure.objects.filter(committee_id__in=ids).filter(
        _range("deadline", f), _via_inspection("inspection__", f))
    for r in measures.values("committee_id", "status").annotate(
            n=Count("*"), late=Count("deadline", filter=Q(deadline__lt=today))).order_by():
        fig = figures[r["committee_id"]]
        fig.measures_status[r["status"]] += r["n"]
        if r["status"] in OPEN_MEASURE:
            fig.measures_overdue += r["late"]

    members = TeamMember.objects.filter(team__round__committee_id__in=ids,
                                        team__inspections__status__in=ACTIVE_INSPECTION)
    for member in members.values("team__round__committee_id").annotate(
            n=Count("inspector_id", distinct=True)).order_by():
        figures[member["team__round__committee_id"]].inspectors_active = member["n"]
    return figures


@dataclass
class Rollup:
    """A committee's own figures and, side by side, each lower committee's subtree totals."""

    committee: Committee
    own: Figures
    total: Figures  # the committee and everything under it
    rows: list[tuple[Committee, Figures]]
    computed_at: datetime.datetime


def rollup(committee: Committee, f: Filters, *, today: datetime.date | None = None,
           fresh: bool = False) -> Rollup:
    today = today or timezone.localdate()
    key = f"stats:v2:{committee.pk}:{today.isoformat()}:{f.key()}"
    if not fresh:
        hit = cache.get(key)
        if hit is not None:
            return hit
    subtree = list(Committee.objects.filter(path__startswith=committee.path,
                                            archived_at__isnull=True).order_by("path"))
    per = compute([c.pk for c in subtree], f, today=today)
    children = [c for c in subtree if c.parent_id == committee.pk]
    rows = []
    for child in children:
        fig = Figures()
        for c in subtree:
            if c.path.startswith(child.path):
                fig.add(per[c.pk])
        rows.append((child, fig))
    total = Figures()
    for fig in per.values():
        total.add(fig)
    result = Rollup(committee=committee, own=per[committee.pk], total=total, rows=rows,
                    computed_at=timezone.now())
    cache.set(key, result, CACHE_SECONDS)
    return result


def mark_seen(committee_id: int) -> None:
    """Remember that a committee's dashboard was opened (for the refresh job)."""
    seen = cache.get(SEEN_KEY) or {}
    now = time.time()
    if now - seen.get(committee_id, 0) > 60:
        seen = {k: v for k, v in seen.items() if now - v < SEEN_SECONDS}
        seen[committee_id] = now
        cache.set(SEEN_KEY, seen, SEEN_SECONDS)


def refresh_seen(*, today: datetime.date | None = None) -> int:
    """Recompute the unfiltered figures of recently viewed committees (idempotent)."""
    seen = cache.get(SEEN_KEY) or {}
    now = time.time()
    count = 0
    for committee in Committee.objects.filter(pk__in=[k for k, v in seen.items()
                                                      if now - v < SEEN_SECONDS]):
        rollup(committee, Filters(), today=today, fresh=True)
        count += 1
    return count


def inspector_load(committee: Committee, f: Filters, *,
                   limit: int = 15) -> list[Mapping[str, object]]:
    """The inspectors with the most inspections in the filtered set (own committee only)."""
    qs = TeamMember.objects.filter(team__round__committee_id=committee.pk)
    if f.term:
        qs = qs.filter(team__round__term_id=f.term)
    if f.round:
        qs = qs.filter(team__round_id=f.round)
    if f.date_from or f.date_to:
        qs = qs.filter(_range("team__round__planned_start", f))
    return list(qs.values("inspector_id", "inspector__cadre__name").annotate(
        teams=Count("team_id", distinct=True),
        inspections=Count("team__inspections", distinct=True)).order_by(
        "-inspections", "inspector__cadre__name")[:limit])
