"""综合鉴定: once a team's work has ended, its leader drafts an appraisal of each member
(grade and text, the committee's grades); the office confirms it into the inspector's record
in the pool and may send it to the organization department. Team formation reads the
confirmed ones (``selectors.service_history``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import TeamMember
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_confirm_appraisal, can_draft_appraisal, can_send_appraisal
from .models import Appraisal, AppraisalStatus
from .selectors import grades_of


def _clean(member: TeamMember, grade: str, text: str) -> tuple[str, str]:
    grades = grades_of(member.team.round.committee)
    if grade not in grades:
        raise DomainError(_("Choose one of the grades: %(grades)s.")
                          % {"grades": "、".join(grades)}, field="grade")
    text = (text or "").replace("\x00", "").strip()
    if len(text) < 20:
        raise DomainError(_("Write the appraisal in full: the member's work, conduct and "
                            "discipline (at least 20 characters)."), field="text")
    return grade, text[:6000]


@transaction.atomic
def appraisal_draft(*, actor: User, member: TeamMember, grade: str, text: str) -> Appraisal:
    member = TeamMember.objects.select_for_update().select_related(
        "team__round__committee", "inspector").get(pk=member.pk)
    if not can_draft_appraisal(user=actor, member=member):
        raise Forbidden(_("The team's leader drafts the appraisals once the team's work has "
                          "ended, until the office confirms them."), code="not_draftable")
    grade, text = _clean(member, grade, text)
    appraisal = getattr(member, "appraisal", None)
    if appraisal is None:
        appraisal = Appraisal.objects.create(
            member=member, inspector=member.inspector, team=member.team,
            committee=member.team.round.committee, grade=grade, text=text, drafted_by=actor)
        changes = {}
    else:
        changes = {"grade": [appraisal.grade, grade]}
        appraisal.grade, appraisal.text = grade, text
        appraisal.drafted_by, appraisal.drafted_at = actor, timezone.now()
        appraisal.save()
    # The text stays out of the trail: the record is the appraisal itself.
    event_record(actor=actor, action="appraisal.draft", obj=appraisal, changes=changes,
                 params={"member": member.pk, "grade": grade})
    return appraisal


def _locked(appraisal: Appraisal) -> Appraisal:
    return Appraisal.objects.select_for_update().select_related(
        "member__team__round__committee").get(pk=appraisal.pk)


@transaction.atomic
def appraisal_confirm(*, actor: User, appraisal: Appraisal, grade: str | None = None,
                      text: str | None = None) -> Appraisal:
    """The office confirms the draft, as drafted or with its own grade and text."""
    appraisal = _locked(appraisal)
    if not can_confirm_appraisal(user=actor, appraisal=appraisal):
        raise Forbidden(_("The office confirms a drafted appraisal, once."),
                        code="not_confirmable")
    before = appraisal.grade
    appraisal.grade, appraisal.text = _clean(appraisal.member, grade or appraisal.grade,
                                             text if text is not None else appraisal.text)
    appraisal.status = AppraisalStatus.CONFIRMED
    appraisal.confirmed_by, appraisal.confirmed_at = actor, timezone.now()
    appraisal.save()
    event_record(actor=actor, action="appraisal.confirm", obj=appraisal,
                 changes={"grade": [before, appraisal.grade]} if before != appraisal.grade
                 else {}, params={"inspector": appraisal.inspector_id})
    return appraisal


@transaction.atomic
def appraisal_send(*, actor: User, appraisal: Appraisal) -> Appraisal:
    """The office sends a confirmed appraisal to the organization department."""
    appraisal = _locked(appraisal)
    if not can_send_appraisal(user=actor, appraisal=appraisal):
        raise Forbidden(_("The office sends a confirmed appraisal to the organization "
                          "department, once."), code="not_sendable")
    appraisal.sent_by, appraisal.sent_at = actor, timezone.now()
    appraisal.save(update_fields=["sent_by", "sent_at"])
    event_record(actor=actor, action="appraisal.send", obj=appraisal,
                 params={"inspector": appraisal.inspector_id})
    return appraisal
