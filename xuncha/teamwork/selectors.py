"""Reads of the team's conduct, scoped to the user. Reports about a team are read by the
committee's office and, once transferred, by its discipline body; nobody on any team reads
them (no list, search, count or to-do built on them reaches a team account)."""

from django.db.models import Q, QuerySet
from django.urls import reverse

from xuncha.accounts.access import is_discipline_of, is_office_of, is_organization_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.models import STATUS_ORDER, Inspection, InspectionStatus, Team, TeamMember
from xuncha.inspections.selectors import inspections_visible_to
from xuncha.organizations.models import Committee, Inspector

from .models import (
    DEFAULT_GRADES,
    Appraisal,
    AppraisalStatus,
    Branch,
    BranchMeeting,
    ConductPolicy,
    ConductReport,
    InspectorAccountability,
    Pledge,
    PledgeText,
    SelfCheck,
    SelfFoundProblem,
)


def current_pledge_text(committee_id: int) -> PledgeText | None:
    """The committee's latest pledge text (None: the built-in default, not yet stored)."""
    return PledgeText.objects.filter(committee_id=committee_id).order_by("-version").first()


def pledge_texts_of(committee_id: int) -> QuerySet[PledgeText]:
    return PledgeText.objects.filter(committee_id=committee_id).order_by("-version")


def conduct_policy_of(committee: Committee) -> ConductPolicy | None:
    return ConductPolicy.objects.filter(committee=committee).first()


def team_members_with_pledges(team: Team) -> QuerySet[TeamMember]:
    return (team.members.select_related("inspector__cadre__unit", "pledge__text",
                                        "pledge__recorded_by")
            .order_by("position", "pk"))


def unsigned_members(team: Team) -> QuerySet[TeamMember]:
    """Members of ``team`` who have not signed the integrity pledge."""
    return team.members.filter(pledge__isnull=True).select_related("inspector__cadre")


def pledge_exempt(inspection: Inspection) -> bool:
    """Stationed or imported before pledges were recorded in the system."""
    return hasattr(inspection, "pledge_exemption") and inspection.pledge_exemption is not None


def pledges_of(team: Team) -> QuerySet[Pledge]:
    return Pledge.objects.filter(member__team=team).select_related("text", "member")


def conduct_reports_visible_to(*, user: User) -> QuerySet[ConductReport]:
    """The office of the committee reads all its reports; its discipline body the ones the
    office transferred. Team accounts, liaisons, the leading group and upper committees
    read none."""
    qs = ConductReport.objects.select_related(
        "team__round__committee", "inspection__unit", "inspector__cadre", "committee")
    committee_id = user.committee_id
    if committee_id is None:
        return qs.none()
    if is_office_of(user=user, committee_id=committee_id):
        return qs.filter(committee_id=committee_id)
    if is_discipline_of(user=user, committee_id=committee_id):
        return qs.filter(committee_id=committee_id, transferred_at__isnull=False)
    return qs.none()


def accountabilities_visible_to(*, user: User) -> QuerySet[InspectorAccountability]:
    """Accountability recorded against inspectors: whoever reads the report."""
    return InspectorAccountability.objects.filter(
        report__in=conduct_reports_visible_to(user=user)).select_related(
        "inspector__cadre", "recorded_by", "report")


def teams_of_committee(committee_id: int) -> QuerySet[Team]:
    return Team.objects.filter(round__committee_id=committee_id).select_related(
        "round__committee", "round__term").order_by("-round__planned_start", "number")


def inspectors_of_team(team: Team) -> QuerySet[Inspector]:
    return Inspector.objects.filter(memberships__team=team).select_related("cadre")


def supervision_for(inspection: Inspection) -> dict[str, str]:
    """The notice's supervision channel for reports about the team itself: the committee's
    supervision phone (if set) and the public form's address."""
    policy = conduct_policy_of(inspection.committee)
    return {"phone": policy.supervision_phone if policy else "",
            "note": policy.supervision_note if policy else "",
            "url": reverse("public:supervise", args=[inspection.public_code])}


def self_check_inspections_visible_to(*, user: User) -> QuerySet[Inspection]:
    """The inspections whose self-check the user reads: those the user sees, and for the
    unit's liaison also the planned ones it was notified of."""
    if user.role == Role.LIAISON and user.unit_id:
        started = STATUS_ORDER[STATUS_ORDER.index(InspectionStatus.STATIONED):]
        return Inspection.objects.filter(unit_id=user.unit_id).filter(
            Q(notified_on__isnull=False) | Q(status__in=started))
    return inspections_visible_to(user=user)


def self_found_of(inspection: Inspection) -> QuerySet[SelfFoundProblem]:
    return SelfFoundProblem.objects.filter(inspection=inspection).select_related(
        "fixed_by").order_by("number")


def self_found_counts(inspection: Inspection) -> dict[str, int] | None:
    """The problems the unit found itself before the inspection and those it has fixed (即知即改),
    counted apart from the team's (None: no self-check report)."""
    if not SelfCheck.objects.filter(inspection=inspection).exists():
        return None
    qs = SelfFoundProblem.objects.filter(inspection=inspection)
    return {"found": qs.count(), "fixed": qs.filter(fixed_on__isnull=False).count()}


def appraisals_visible_to(*, user: User) -> QuerySet[Appraisal]:
    """The office reads its committee's appraisals; the organization department those the
    office sent; a team leader the drafts they wrote, until the office confirms them. No
    one else, and never the appraised member's peers."""
    qs = Appraisal.objects.select_related("inspector__cadre", "team__round__committee",
                                          "member", "drafted_by", "confirmed_by")
    committee_id = user.committee_id
    if user.role == Role.TEAM:
        return qs.filter(drafted_by=user, status=AppraisalStatus.DRAFT)
    if committee_id is None:
        return qs.none()
    if is_office_of(user=user, committee_id=committee_id):
        return qs.filter(committee_id=committee_id)
    if is_organization_of(user=user, committee_id=committee_id):
        return qs.filter(committee_id=committee_id, sent_at__isnull=False)
    return qs.none()


def appraisal_inspectors_visible_to(*, user: User) -> QuerySet[Inspector]:
    """Inspectors whose record of appraisals the user reads: for the office its pool; for
    the organization department those with an appraisal it was sent."""
    committee_id = user.committee_id
    if committee_id is None:
        return Inspector.objects.none()
    if is_office_of(user=user, committee_id=committee_id):
        return Inspector.objects.filter(committee_id=committee_id).select_related("cadre")
    if is_organization_of(user=user, committee_id=committee_id):
        return Inspector.objects.filter(pk__in=appraisals_visible_to(user=user).values(
            "inspector_id")).select_related("cadre")
    return Inspector.objects.none()


def service_history(*, user: User, inspector_ids: list[int]) -> dict[int, list[Appraisal]]:
    """Team formation: each inspector's confirmed appraisals on earlier teams, newest first,
    as far as the user reads them (the office)."""
    rows: dict[int, list[Appraisal]] = {pk: [] for pk in inspector_ids}
    for appraisal in appraisals_visible_to(user=user).filter(
            inspector_id__in=inspector_ids, status=AppraisalStatus.CONFIRMED).order_by(
            "-team__round__planned_start"):
        rows[appraisal.inspector_id].append(appraisal)
    return rows


def grades_of(committee: Committee) -> list[str]:
    """The committee's appraisal grades, best first (the defaults without a setting)."""
    policy = conduct_policy_of(committee)
    return list(policy.appraisal_grades) if policy and policy.appraisal_grades else list(
        DEFAULT_GRADES)


def branch_of(team: Team) -> Branch | None:
    return Branch.objects.filter(team=team).select_related("secretary__cadre").first()


def meetings_of(branch: Branch) -> QuerySet[BranchMeeting]:
    return branch.meetings.prefetch_related("attendees__cadre").select_related("recorded_by")


def service_rows(*, user: User, inspectors: QuerySet[Inspector]) -> list[dict[str, object]]:
    """The pool's inspectors who have served on earlier teams, with their confirmed
    appraisals (the office, forming a team)."""
    pool = list(inspectors.select_related("cadre"))
    history = service_history(user=user, inspector_ids=[i.pk for i in pool])
    return [{"inspector": i, "appraisals": history[i.pk]} for i in pool if history[i.pk]]
