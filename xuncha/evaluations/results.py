"""Results of a session: counts per grade and ballot type, means, the weighted combined
score and the rank of each object in its group."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xuncha.lib.errors import DomainError

from .models import BallotType, Evaluation, Grade, Group, Object, SheetStatus, Status


@dataclass
class ObjectResult:
    object: Object
    group: Group
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # type → grade → n
    blanks: dict[str, int] = field(default_factory=dict)
    means: dict[str, float | None] = field(default_factory=dict)
    combined: float | None = None
    rank: int | None = None


@dataclass
class Results:
    evaluation: Evaluation
    types: list[BallotType]
    grades: list[Grade]
    rows: list[ObjectResult]
    valid: dict[str, int]
    void: dict[str, int]
    void_reasons: list[tuple[str, list[str]]]


@dataclass
class TypeTurnout:
    ballot_type: BallotType
    cast: int  # ballots counted so far, online and paper, valid or void
    codes_issued: int
    codes_used: int
    sheets_pending: int  # paper sheets waiting for a second entry or a resolution


def turnout(evaluation: Evaluation) -> list[TypeTurnout]:
    """What may be shown while the results are sealed: how many ballots each type has
    received, never how they were marked (nor how many were void)."""
    types = evaluation.ballot_types.annotate(
        n_codes=Count("codes", distinct=True),
        n_used=Count("codes", filter=Q(codes__used=True), distinct=True))
    cast = dict(evaluation.ballots.values_list("ballot_type").annotate(n=Count("pk")))
    pending = dict(evaluation.sheets.filter(
        status__in=[SheetStatus.WAITING, SheetStatus.MISMATCH]).values_list(
        "ballot_type").annotate(n=Count("pk")))
    return [TypeTurnout(ballot_type=t, cast=cast.get(t.pk, 0), codes_issued=t.n_codes,
                        codes_used=t.n_used, sheets_pending=pending.get(t.pk, 0))
            for t in types]


def evaluation_results(evaluation: Evaluation) -> Results:
    """Per object: counts per grade per ballot type; per type the mean grade score over the
    valid ballots that graded it (blanks left out); the combined score = Σ weight × mean
    over the types that graded it, weights rescaled to those types; the rank in its group.

    Sealed until voting closes (``access.can_read_results``): refused before, whoever asks,
    so that no page, export or future API can show a running count."""
    if evaluation.status != Status.CLOSED:
        raise DomainError(_("The results are sealed until voting closes."), code="sealed")
    types = list(evaluation.ballot_types.all())
    grades = list(evaluation.grades.all())
    scores = {g.code: float(g.score) for g in grades}
    groups = list(evaluation.groups.prefetch_related("members"))
    rows = {str(o.pk): ObjectResult(object=o, group=g) for g in groups for o in g.members.all()}
    for row in rows.values():
        for t in types:
            row.counts[t.code] = {g.code: 0 for g in grades}
            row.blanks[t.code] = 0
    valid = {t.code: 0 for t in types}
    void = {t.code: 0 for t in types}
    void_reasons: list[tuple[str, list[str]]] = []
    type_code = {t.pk: t.code for t in types}
    for ballot in evaluation.ballots.all():
        code = type_code[ballot.ballot_type_id]
        if not ballot.valid:
            void[code] += 1
            void_reasons.append((code, ballot.void_reasons))
            continue
        valid[code] += 1
        for key, row in rows.items():
            marks = ballot.marks.get(key) or []
            if len(marks) == 1:
                row.counts[code][marks[0]] += 1
            else:
                row.blanks[code] += 1
    for row in rows.values():
        total_weight, weighted = 0.0, 0.0
        for t in types:
            graded = sum(row.counts[t.code].values())
            if graded:
                mean = sum(scores[g] * n for g, n in row.counts[t.code].items()) / graded
                row.means[t.code] = round(mean, 2)
                total_weight += float(t.weight)
                weighted += float(t.weight) * mean
            else:
                row.means[t.code] = None
        row.combined = round(weighted / total_weight, 2) if total_weight else None
    for group in groups:
        members = [rows[str(o.pk)] for o in group.members.all()]
        ordered = sorted((r for r in members if r.combined is not None),
                         key=lambda r: -(r.combined or 0.0))
        previous, rank = None, 0
        for index, row in enumerate(ordered, start=1):
            if row.combined != previous:
                rank = index
            row.rank = rank
            previous = row.combined
    return Results(evaluation=evaluation, types=types, grades=grades, rows=list(rows.values()),
                   valid=valid, void=void, void_reasons=void_reasons)
