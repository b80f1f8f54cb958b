"""Problem drafts (问题底稿): drafting with evidence, the team meeting, the leader's signature,
withdrawal, and immediate rectification (立行立改)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.inspections.models import Inspection
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.lib.uploads import check_upload
from xuncha.organizations.models import Cadre
from xuncha.petitions.models import Petition

from .access import (
    can_approve_problem,
    can_edit_problem,
    can_lead_problems,
    can_mark_problem_fixed,
    can_sign_problem,
    can_sign_problems,
    check_on_site,
    check_record_findings,
    check_write_findings,
)
from .models import (
    Activity,
    Problem,
    ProblemFile,
    ProblemStatus,
    ReportStatus,
    Responsibility,
)
from .numbering import problem_number
from .selectors import categories_for

PROBLEM_FIELDS = ("title", "manifestation", "basis", "category", "responsibility",
                  "persons_text", "found_on", "found_by", "immediate")


def _validate_problem(problem: Problem) -> None:
    if not problem.title.strip():
        raise DomainError(_("Give the problem a title."), field="title")
    if not problem.manifestation.strip():
        raise DomainError(_("Describe how the problem shows (表现)."), field="manifestation")
    allowed = {c.pk for c in categories_for(problem.committee)}
    if problem.category_id not in allowed:
        raise DomainError(_("Choose a category of this committee's taxonomy."), field="category")
    if problem.responsibility and problem.responsibility not in Responsibility.values:
        raise DomainError(_("Unknown kind of responsibility."), field="responsibility")


def _set_evidence(problem: Problem, *, persons: Iterable[Cadre], activities: Iterable[Activity],
                  petitions: Iterable[Petition]) -> None:
    activity_list = list(activities)
    if any(a.inspection_id != problem.inspection_id for a in activity_list):
        raise DomainError(_("Evidence must come from this inspection."), field="activities")
    petition_list = list(petitions)
    if any(p.inspection_id != problem.inspection_id for p in petition_list):
        raise DomainError(_("Evidence must come from this inspection."), field="petitions")
    problem.persons.set(list(persons))
    problem.activities.set(activity_list)
    problem.petitions.set(petition_list)


@transaction.atomic
def problem_draft(*, actor: User, inspection: Inspection, data: dict[str, Any],
                  persons: Iterable[Cadre] = (), activities: Iterable[Activity] = (),
                  petitions: Iterable[Petition] = ()) -> Problem:
    check_record_findings(user=actor, inspection=inspection)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    seq = (Problem.objects.filter(inspection=locked).aggregate(n=Max("sequence"))["n"] or 0) + 1
    problem = Problem(inspection=inspection, committee=inspection.committee, author=actor,
                      sequence=seq)
    for name in PROBLEM_FIELDS:
        if name in data and data[name] is not None:
            setattr(problem, name, data[name])
    problem.number = problem_number(inspection, seq)
    _validate_problem(problem)
    problem.save()
    _set_evidence(problem, persons=persons, activities=activities, petitions=petitions)
    event_record(actor=actor, action="problem.draft", obj=problem,
                 changes=diff({}, snapshot(problem, PROBLEM_FIELDS)))
    return problem


@transaction.atomic
def problem_update(*, actor: User, problem: Problem, data: dict[str, Any],
                   persons: Iterable[Cadre] | None = None,
                   activities: Iterable[Activity] | None = None,
                   petitions: Iterable[Petition] | None = None,
                   version: int | None = None) -> Problem:
    check_write_findings(user=actor, inspection=problem.inspection)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if version is not None and version != problem.version:
        raise Conflict()
    if not can_edit_problem(user=actor, problem=problem):
        raise DomainError(_("An approved problem cannot be edited; withdraw it to a draft "
                            "first."))
    before = snapshot(problem, PROBLEM_FIELDS)
    for name in PROBLEM_FIELDS:
        if name in data and data[name] is not None:
            setattr(problem, name, data[name])
    _validate_problem(problem)
    if persons is not None or activities is not None or petitions is not None:
        _set_evidence(problem,
                      persons=persons if persons is not None else problem.persons.all(),
                      activities=activities if activities is not None
                      else problem.activities.all(),
                      petitions=petitions if petitions is not None else problem.petitions.all())
    changes = diff(before, snapshot(problem, PROBLEM_FIELDS))
    problem.version += 1
    problem.save()
    event_record(actor=actor, action="problem.update", obj=problem, changes=changes)
    return problem


@transaction.atomic
def problem_file_add(*, actor: User, problem: Problem, upload: File) -> ProblemFile:
    """Attach an evidence file (a scan, a spreadsheet) to the problem."""
    check_write_findings(user=actor, inspection=problem.inspection)
    check_upload(upload)
    row = ProblemFile.objects.create(problem=problem, file=upload,
                                     name=(upload.name or "")[:200], size=upload.size,
                                     uploaded_by=actor)
    event_record(actor=actor, action="problem.evidence_file", obj=problem,
                 params={"name": row.name, "size": row.size})
    return row


@transaction.atomic
def problem_team_approve(*, actor: User, problem: Problem, meeting_on: datetime.date,
                         opinion: str) -> Problem:
    """The team meeting approved the draft (recorded by the leader or a deputy)."""
    if not can_lead_problems(user=actor, inspection=problem.inspection):
        raise Forbidden(_("The team's leader or deputy records the team meeting's decision."))
    if not can_approve_problem(user=actor, problem=problem):
        raise DomainError(_("Only a draft goes to the team meeting."))
    if not opinion.strip():
        raise DomainError(_("Record the team meeting's opinion."), field="opinion")
    if meeting_on > timezone.localdate():
        raise DomainError(_("The meeting date cannot be in the future."), field="meeting_on")
    problem.status = ProblemStatus.TEAM_APPROVED
    problem.meeting_on, problem.meeting_opinion = meeting_on, opinion
    problem.version += 1
    problem.save(update_fields=["status", "meeting_on", "meeting_opinion", "version",
                                "updated_at"])
    event_record(actor=actor, action="problem.team_approve", obj=problem,
                 params={"meeting_on": meeting_on, "opinion": opinion})
    return problem


@transaction.atomic
def problem_sign(*, actor: User, problem: Problem) -> Problem:
    """The leader signs a draft the team meeting approved; only signed problems are reported."""
    if not can_sign_problems(user=actor, inspection=problem.inspection):
        raise Forbidden(_("Only the team leader signs problem drafts."))
    if not can_sign_problem(user=actor, problem=problem):
        raise DomainError(_("The team meeting must approve the draft before the leader signs."))
    problem.status = ProblemStatus.SIGNED
    problem.signed_by, problem.signed_at = actor, timezone.now()
    problem.version += 1
    problem.save(update_fields=["status", "signed_by", "signed_at", "version", "updated_at"])
    event_record(actor=actor, action="problem.sign", obj=problem)
    return problem


@transaction.atomic
def problem_withdraw(*, actor: User, problem: Problem, reason: str) -> Problem:
    """Back to draft (or withdrawn altogether) — not once an approved report cites it."""
    if not can_lead_problems(user=actor, inspection=problem.inspection):
        raise Forbidden(_("The team's leader or deputy withdraws problems."))
    if problem.report_versions.filter(status=ReportStatus.APPROVED).exists():
        raise DomainError(_("An approved report cites this problem; it cannot be withdrawn."))
    if not reason.strip():
        raise DomainError(_("Say why."), field="reason")
    before = problem.status
    problem.status = ProblemStatus.DRAFT
    problem.signed_by, problem.signed_at = None, None
    problem.version += 1
    problem.save(update_fields=["status", "signed_by", "signed_at", "version", "updated_at"])
    event_record(actor=actor, action="problem.withdraw", obj=problem,
                 changes={"status": [before, ProblemStatus.DRAFT]}, params={"reason": reason})
    return problem


@transaction.atomic
def problem_hand_over(*, actor: User, problem: Problem, on: datetime.date) -> Problem:
    """立行立改: hand the problem to the target during the inspection, tracked until fixed."""
    if not can_lead_problems(user=actor, inspection=problem.inspection):
        raise Forbidden(_("The team's leader or deputy hands problems over."))
    check_on_site(problem.inspection)
    if problem.handed_over_on:
        raise DomainError(_("Already handed over."))
    problem.immediate, problem.handed_over_on = True, on
    problem.save(update_fields=["immediate", "handed_over_on", "updated_at"])
    event_record(actor=actor, action="problem.hand_over", obj=problem, params={"on": on})
    return problem


@transaction.atomic
def problem_mark_fixed(*, actor: User, problem: Problem, on: datetime.date,
                       note: str) -> Problem:
    if not can_mark_problem_fixed(user=actor, problem=problem):
        raise Forbidden()
    if not problem.handed_over_on:
        raise DomainError(_("Only a problem handed over for immediate rectification is marked "
                            "fixed here."))
    if not note.strip():
        raise DomainError(_("Say how it was fixed."), field="note")
    if on < problem.handed_over_on:
        raise DomainError(_("It cannot be fixed before it was handed over."), field="on")
    problem.fixed_on, problem.fix_note = on, note
    problem.save(update_fields=["fixed_on", "fix_note", "updated_at"])
    event_record(actor=actor, action="problem.fixed", obj=problem, params={"on": on})
    return problem
