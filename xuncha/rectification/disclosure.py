"""整改公开: the public wording of each problem, and the figures the notice publishes.

A notice never shows a problem's internal title (nor its measures' internal text): each
problem on it is named by its public wording, written and approved separately
(``access.can_write_public_wording``, ``access.can_approve_public_wording``). The published
rate follows the committee's one stated definition (``ClockPolicy.notice_rate_basis``):
closed measures ÷ measures, or rectified problems (all their measures closed) ÷ problems,
written as in seed 004: ``688/697 = 98.71%``.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record
from xuncha.findings.models import Problem
from xuncha.inspections import clocks
from xuncha.inspections.models import Inspection
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_approve_public_wording, can_write_public_wording
from .models import MeasureStatus, PublicWording, RateBasis, WordingStatus

WORDING_MAX = 300

#: How the notice states its definition, per basis (zh-hans first, like the notice).
BASIS_DEFINITION = {
    RateBasis.PROBLEMS: gettext_lazy("completion rate = rectified problems (every measure "
                                     "closed) ÷ problems made public"),
    RateBasis.MEASURES: gettext_lazy("completion rate = closed measures ÷ measures made public"),
}


@transaction.atomic
def wording_write(*, actor: User, problem: Problem, text: str) -> PublicWording:
    """Write or rewrite how ``problem`` is named in public; it then awaits approval."""
    inspection = problem.inspection
    if not can_write_public_wording(user=actor, inspection=inspection):
        raise Forbidden(_("The unit's liaison or the inspection office writes the public "
                          "wording, once the feedback was given."))
    if not inspection.feedback.problems.filter(pk=problem.pk).exists():
        raise DomainError(_("Only a problem fed back to the unit is made public."),
                          field="text")
    text = " ".join((text or "").split())
    if not text:
        raise DomainError(_("Write how the problem is named in public."), field="text")
    if len(text) > WORDING_MAX:
        raise DomainError(_("Keep the public wording under %(n)d characters.")
                          % {"n": WORDING_MAX}, field="text")
    if text == " ".join(problem.title.split()):
        raise DomainError(_("The public wording must be written for the public, not copied "
                            "from the internal title."), code="internal_title", field="text")
    wording = PublicWording.objects.select_for_update().filter(problem=problem).first()
    before = {"text": wording.text, "status": wording.status} if wording else {}
    if wording is None:
        wording = PublicWording(problem=problem, written_by=actor)
    elif wording.text == text:
        return wording
    wording.text, wording.status = text, WordingStatus.DRAFT
    wording.written_by, wording.written_at = actor, timezone.now()
    wording.approved_by, wording.approved_at = None, None
    wording.save()
    event_record(actor=actor, action="notice.wording_write", obj=wording,
                 changes=diff(before, {"text": text, "status": wording.status}),
                 params={"problem": problem.pk})
    return wording


@transaction.atomic
def wording_approve(*, actor: User, wording: PublicWording) -> PublicWording:
    wording = PublicWording.objects.select_for_update().select_related(
        "problem__inspection").get(pk=wording.pk)
    if not can_approve_public_wording(user=actor, wording=wording):
        if wording.status == WordingStatus.APPROVED:
            raise DomainError(_("This wording is already approved."))
        raise Forbidden(_("The inspection office approves the public wording, and not the "
                          "person who wrote it."))
    wording.status = WordingStatus.APPROVED
    wording.approved_by, wording.approved_at = actor, timezone.now()
    wording.save(update_fields=["status", "approved_by", "approved_at"])
    event_record(actor=actor, action="notice.wording_approve", obj=wording,
                 params={"problem": wording.problem_id})
    return wording


@dataclass
class NoticeFigures:
    basis: str
    total: int
    done: int
    withheld: int  # measures (or problems) the office kept out of the notice
    #: per problem made public: its public wording, measures closed and measures
    items: list[dict[str, object]]
    #: problems on the notice without an approved public wording (their numbers)
    unworded: list[str]


def rate_basis(inspection: Inspection) -> str:
    return clocks.policy_for(inspection.committee).notice_rate_basis or RateBasis.PROBLEMS


def notice_figures(inspection: Inspection) -> NoticeFigures:
    """The figures a notice publishes now: over the measures marked for publication, per
    the committee's rate basis; the items name each problem by its approved wording."""
    basis = rate_basis(inspection)
    rows = list(inspection.measures.select_related("problem__public_wording").order_by(
        "problem__sequence", "number"))
    published = [m for m in rows if m.publish]
    problems: dict[int, list] = {}
    for m in published:
        problems.setdefault(m.problem_id, []).append(m)
    items, unworded = [], []
    for measures in problems.values():
        problem = measures[0].problem
        wording = getattr(problem, "public_wording", None)
        if wording is None or not wording.approved:
            unworded.append(problem.number)
            continue
        closed = sum(1 for m in measures if m.status == MeasureStatus.CLOSED)
        items.append({"problem": wording.text, "closed": closed, "measures": len(measures),
                      "status": str(_("Rectified") if closed == len(measures)
                                    else _("Being rectified"))})
    if basis == RateBasis.MEASURES:
        total = len(published)
        done = sum(1 for m in published if m.status == MeasureStatus.CLOSED)
        withheld = len(rows) - total
    else:
        total = len(problems)
        done = sum(1 for ms in problems.values()
                   if all(m.status == MeasureStatus.CLOSED for m in ms))
        withheld = len({m.problem_id for m in rows}) - total
    return NoticeFigures(basis, total, done, withheld, items, unworded)


def definition(basis: str) -> str:
    """The notice's statement of what its rate counts."""
    known = RateBasis(basis) if basis in RateBasis.values else RateBasis.PROBLEMS
    return str(BASIS_DEFINITION[known])
