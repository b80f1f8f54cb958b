"""The integrity pledge (廉洁承诺 / 八个严禁): the committee's text and its versions, each
member's signature (in the system, or recorded by the office from a paper copy), and the
check the stationing service asks (``xuncha.inspections.moves.station_problems``)."""

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Inspection, TeamMember
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Committee

from .access import can_change_pledge_text, can_record_paper_pledge, can_sign_pledge
from .models import DEFAULT_PLEDGE, ConductPolicy, Pledge, PledgeText
from .selectors import current_pledge_text, pledge_exempt, unsigned_members

MAX_TEXT = 5000


def pledge_problem(inspection: Inspection) -> str | None:
    """What keeps the team from being stationed for want of pledges (None: nothing)."""
    if pledge_exempt(inspection):
        return None
    names = [m.inspector.cadre.name for m in unsigned_members(inspection.team)]
    if not names:
        return None
    return _("the integrity pledge is not signed by: %(names)s") % {"names": "、".join(names)}


def _text_for_signing(committee: Committee, actor: User) -> PledgeText:
    """The committee's current text; its first signature stores the default as version 1."""
    text = current_pledge_text(committee.pk)
    if text is None:
        text = PledgeText.objects.create(committee=committee, version=1, text=DEFAULT_PLEDGE,
                                         created_by=actor)
        event_record(actor=actor, action="pledge.text_set", obj=text,
                     params={"version": 1, "default": True})
    return text


def _locked_member(member: TeamMember) -> TeamMember:
    return TeamMember.objects.select_for_update().select_related(
        "team__round__committee", "inspector__cadre").get(pk=member.pk)


@transaction.atomic
def pledge_sign(*, actor: User, member: TeamMember, text_version: int) -> Pledge:
    """The member signs the text they were shown (``text_version``): if the committee
    changed it meanwhile, they are asked to read the new one."""
    member = _locked_member(member)
    if not can_sign_pledge(user=actor, member=member):
        raise Forbidden(_("Only the member signs their own pledge, once."),
                        code="not_signable")
    text = _text_for_signing(member.team.round.committee, actor)
    if text_version != text.version:
        raise DomainError(_("The pledge text changed after you opened it; read the current "
                            "text and sign again."), code="text_changed")
    pledge = Pledge.objects.create(member=member, text=text, recorded_by=actor)
    event_record(actor=actor, action="pledge.sign", obj=pledge,
                 params={"member": member.pk, "team": member.team_id,
                         "text_version": text.version})
    return pledge


@transaction.atomic
def pledge_record_paper(*, actor: User, member: TeamMember) -> Pledge:
    """The office records a pledge the member signed on paper under the current text."""
    member = _locked_member(member)
    if not can_record_paper_pledge(user=actor, member=member):
        raise Forbidden(_("The office records a member's paper pledge, once."),
                        code="not_recordable")
    text = _text_for_signing(member.team.round.committee, actor)
    pledge = Pledge.objects.create(member=member, text=text, recorded_by=actor, on_paper=True)
    event_record(actor=actor, action="pledge.record_paper", obj=pledge,
                 params={"member": member.pk, "team": member.team_id,
                         "text_version": text.version})
    return pledge


@transaction.atomic
def pledge_text_set(*, actor: User, committee: Committee, text: str) -> PledgeText:
    """A new version of the committee's pledge text; pledges already signed keep theirs."""
    if not can_change_pledge_text(user=actor, committee_id=committee.pk):
        raise Forbidden(_("Only the office's administrators change the pledge text."))
    text = (text or "").replace("\x00", "").strip()
    if len(text) < 20:
        raise DomainError(_("Write the pledge in full (at least 20 characters)."),
                          field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(_("The pledge is longer than %(n)d characters.") % {"n": MAX_TEXT},
                          field="text")
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    current = current_pledge_text(committee.pk)
    if current is not None and current.text == text:
        raise DomainError(_("The text is the same as the current version."), code="unchanged",
                          field="text")
    version = (current.version if current else 0) + 1
    stored = PledgeText.objects.create(committee=committee, version=version, text=text,
                                       created_by=actor)
    event_record(actor=actor, action="pledge.text_set", obj=stored, params={"version": version})
    return stored


@transaction.atomic
def supervision_set(*, actor: User, committee: Committee, phone: str, note: str = ""
                    ) -> ConductPolicy:
    """The supervision phone published on each notice for reports about the team."""
    if not can_change_pledge_text(user=actor, committee_id=committee.pk):
        raise Forbidden(_("Only the office's administrators change the supervision phone."))
    phone, note = (phone or "").strip()[:64], (note or "").strip()[:200]
    policy, _created = ConductPolicy.objects.get_or_create(committee=committee)
    before = [policy.supervision_phone, policy.supervision_note]
    policy.supervision_phone, policy.supervision_note = phone, note
    policy.save()
    event_record(actor=actor, action="conduct.supervision_set", obj=policy,
                 changes={"supervision": [before, [phone, note]]})
    return policy
