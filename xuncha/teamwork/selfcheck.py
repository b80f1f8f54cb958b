"""The unit's self-check before the team is stationed (巡察前自查) and the fixing of what it
found (即知即改): submitted by the unit's liaison with the list of problems it found and
what it already fixed; the team reads it on the inspection page; each problem not yet
fixed is tracked until its fix is recorded, like a 立行立改 item, and counted apart from the
problems the team found (statistics, the rectification notice)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Inspection
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_mark_self_found_fixed, can_submit_self_check
from .models import SelfCheck, SelfFoundProblem

MAX_PROBLEMS = 100


@transaction.atomic
def self_check_submit(*, actor: User, inspection: Inspection, summary: str,
                      problems: Iterable[dict[str, str]]) -> SelfCheck:
    """``problems``: ``{"text": what was found, "fix": what was already done}`` (an empty
    ``fix``: still to be fixed). The problems fixed at once are recorded fixed today."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not can_submit_self_check(user=actor, inspection=inspection):
        raise Forbidden(_("The unit's liaison submits the self-check once, after the "
                          "notice and before the on-site work begins."), code="not_open")
    summary = (summary or "").replace("\x00", "").strip()
    if len(summary) < 10:
        raise DomainError(_("Describe the self-check in a few sentences (at least 10 "
                            "characters)."), field="summary")
    rows = [{"text": (p.get("text") or "").strip(), "fix": (p.get("fix") or "").strip()}
            for p in problems]
    if any(r["fix"] and not r["text"] for r in rows):
        raise DomainError(_("A fix is written next to the problem it fixes."), field="problems")
    rows = [r for r in rows if r["text"]]
    if len(rows) > MAX_PROBLEMS:
        raise DomainError(_("At most %(n)d problems in one report.") % {"n": MAX_PROBLEMS},
                          field="problems")
    check = SelfCheck.objects.create(inspection=inspection, summary=summary[:10000],
                                     submitted_by=actor)
    today = timezone.localdate()
    SelfFoundProblem.objects.bulk_create([SelfFoundProblem(
        self_check=check, inspection=inspection, committee_id=inspection.committee_id,
        number=n, text=r["text"][:4000], fix_note=r["fix"][:4000],
        fixed_on=today if r["fix"] else None, fixed_by=actor if r["fix"] else None)
        for n, r in enumerate(rows, start=1)])
    event_record(actor=actor, action="self_check.submit", obj=check,
                 params={"inspection": inspection.pk, "problems": len(rows),
                         "fixed": sum(1 for r in rows if r["fix"])})
    return check


@transaction.atomic
def self_found_fixed(*, actor: User, problem: SelfFoundProblem, on: datetime.date,
                     note: str) -> SelfFoundProblem:
    """Record how and when a self-found problem was fixed."""
    problem = SelfFoundProblem.objects.select_for_update().select_related(
        "inspection", "self_check").get(pk=problem.pk)
    if not can_mark_self_found_fixed(user=actor, problem=problem):
        raise Forbidden(_("The unit's liaison records the fix of a problem it found, once."),
                        code="not_fixable")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say how it was fixed."), field="note")
    if on > timezone.localdate():
        raise DomainError(_("The fix cannot be dated in the future."), field="on")
    if on < timezone.localtime(problem.self_check.submitted_at).date():
        raise DomainError(_("The fix cannot be dated before the self-check report."),
                          field="on")
    problem.fixed_on, problem.fix_note, problem.fixed_by = on, note[:4000], actor
    problem.save(update_fields=["fixed_on", "fix_note", "fixed_by"])
    event_record(actor=actor, action="self_check.fixed", obj=problem,
                 params={"number": problem.number, "on": on})
    return problem
