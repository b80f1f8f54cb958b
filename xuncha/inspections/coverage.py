"""全覆盖: which units of a committee have been inspected in a term, and whether the rounds
left can cover the rest at the current pace."""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Q

from xuncha.organizations.models import Level, Term, Unit, UnitKind

from .models import STATUS_ORDER, Inspection, InspectionStatus, Round

STARTED = STATUS_ORDER[STATUS_ORDER.index(InspectionStatus.STATIONED):]
DEFAULT_ROUND_SPACING_DAYS = 150  # about two to three rounds a year when there is no history


@dataclass
class Coverage:
    term: Term
    universe: int = 0
    covered_ids: set[int] = field(default_factory=set)
    planned_ids: set[int] = field(default_factory=set)
    rounds_done: int = 0
    rounds_planned: int = 0
    rounds_estimated: int = 0
    pace: float = 0.0
    capacity: int = 0
    uncovered_units: list[Unit] = field(default_factory=list)
    covered_units: list[Unit] = field(default_factory=list)
    by_kind: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def covered(self) -> int:
        return len(self.covered_ids)

    @property
    def remaining(self) -> int:
        return self.universe - self.covered

    @property
    def unplanned(self) -> int:
        return max(0, self.remaining - len(self.planned_ids - self.covered_ids))

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.universe if self.universe else 100.0

    @property
    def at_risk(self) -> bool:
        """True when the rounds left cannot reach every unit not yet covered or planned."""
        return self.unplanned > self.capacity


def universe_for(committee):
    """The units a committee must cover in a term; villages count for county committees."""
    qs = Unit.objects.filter(committee=committee, archived_at__isnull=True)
    if committee.level != Level.COUNTY:
        qs = qs.exclude(kind=UnitKind.VILLAGE)
    return qs


def term_coverage(*, term: Term, today: datetime.date) -> Coverage:
    committee = term.committee
    result = Coverage(term=term)
    units = list(universe_for(committee).order_by("code"))
    unit_ids = {u.pk for u in units}
    result.universe = len(units)
    # Inspections by this committee in the term, or escalated ones by committees above.
    in_term = Inspection.objects.filter(unit_id__in=unit_ids).filter(
        Q(round__term=term) | Q(escalated=True, period_start__lte=term.ends_on,
                                period_end__gte=term.starts_on))
    rows = list(in_term.values_list("unit_id", "status", "round_id"))
    result.covered_ids = {u for u, s, _r in rows if s in STARTED}
    result.planned_ids = {u for u, s, _r in rows if s not in STARTED}
    rounds = list(Round.objects.filter(term=term).order_by("planned_start"))
    started_rounds = {r for _u, s, r in rows if s in STARTED}
    done = [r for r in rounds if r.pk in started_rounds]
    result.rounds_done = len(done)
    future = [r for r in rounds if r.pk not in started_rounds and r.planned_start >= today]
    result.rounds_planned = len(future)
    if len(done) >= 2:
        spacing = max(30, (done[-1].planned_start - done[0].planned_start).days
                      // (len(done) - 1))
    else:
        spacing = DEFAULT_ROUND_SPACING_DAYS
    horizon_start = max([today] + [r.planned_end for r in rounds])
    days_left = (term.ends_on - horizon_start).days
    result.rounds_estimated = max(0, math.floor(days_left / spacing)) if days_left > 0 else 0
    covered_by_rounds = len(result.covered_ids)
    result.pace = covered_by_rounds / len(done) if done else 0.0
    if not result.pace:
        # No history yet: assume the planned rounds' average number of targets.
        planned_targets = [Inspection.objects.filter(round=r).count() for r in rounds]
        result.pace = (sum(planned_targets) / len(planned_targets)) if planned_targets else 0.0
    result.capacity = math.floor(result.pace * (result.rounds_planned + result.rounds_estimated))
    result.covered_units = [u for u in units if u.pk in result.covered_ids]
    result.uncovered_units = [u for u in units if u.pk not in result.covered_ids]
    kinds = dict(UnitKind.choices)
    counts: dict[str, list[int]] = {}
    for unit in units:
        entry = counts.setdefault(unit.kind, [0, 0])
        entry[0] += 1
        if unit.pk in result.covered_ids:
            entry[1] += 1
    result.by_kind = [(str(kinds.get(k, k)), total, done_) for k, (total, done_) in
                      sorted(counts.items())]
    return result
