"""The one glossary of display names: what a person reads in place of a code.

Pages, exports, documents, the audit log and the API's ``*_text`` fields show a status, a
role, a receiving body, a form (四种形态), a grade or an audit action through this module,
never the stored code (``discipline``, ``form2``, ``inspection.create``):

``display(kind, value)``
    The name of ``value`` in one of the vocabularies of ``VOCABULARIES`` (the
    ``TextChoices`` of the apps, named by a short kind: ``"role"``, ``"review_side"``,
    ``"four_forms"`` …), in the active language; ``"—"`` for an empty value.
``action_label(action)``
    The name of an audit action (``ACTIONS``); an action missing here is shown as its code,
    which the language crawl (``xuncha/web/tests/test_language.py``) reports, and
    ``test_glossary`` fails on any action written in the code and missing here.
``grade_label(grades, code)``
    The label an evaluation gives one of its grade codes (``Grade.label``: 好, 较好 …).

The vocabularies are named by dotted paths and imported when first read, so this module
depends on no app (the apps depend on it).
"""

from collections.abc import Iterable
from functools import cache
from importlib import import_module
from typing import Any

from django.utils.translation import gettext_lazy as _

#: kind → the ``TextChoices`` that names its values.
VOCABULARIES: dict[str, str] = {
    "role": "xuncha.accounts.roles.Role",
    "receiver_body": "xuncha.accounts.roles.ReceiverBody",
    "review_side": "xuncha.rectification.models.ReviewSide",
    "four_forms": "xuncha.findings.models.FourForms",
    "clue_status": "xuncha.findings.models.ClueStatus",
    "clue_handling": "xuncha.findings.models.ClueHandling",
    "problem_status": "xuncha.findings.models.ProblemStatus",
    "report_status": "xuncha.findings.models.ReportStatus",
    "inspection_status": "xuncha.inspections.models.InspectionStatus",
    "round_status": "xuncha.inspections.models.RoundStatus",
    "team_position": "xuncha.inspections.models.TeamPosition",
    "petition_status": "xuncha.petitions.models.Status",
    "petition_channel": "xuncha.petitions.models.Channel",
    "measure_status": "xuncha.rectification.models.MeasureStatus",
    "plan_status": "xuncha.rectification.models.PlanStatus",
    "phase": "xuncha.rectification.models.Phase",
    "evaluation_status": "xuncha.evaluations.models.Status",
    "level": "xuncha.organizations.models.Level",
    "unit_kind": "xuncha.organizations.models.UnitKind",
    "rank": "xuncha.organizations.models.Rank",
    "expertise": "xuncha.organizations.models.Expertise",
}

#: Audit actions (``Event.action``) → what happened, as the audit log says it.
ACTIONS: dict[str, Any] = {
    "login": _("Signed in"),
    "login.failed": _("Failed sign-in"),
    "logout": _("Signed out"),
    "account.create": _("Account created"),
    "account.update": _("Account changed"),
    "account.unlock": _("Account unlocked"),
    "account.password_change": _("Password changed"),
    "account.password_reset": _("Password reset"),
    "account.2fa_enable": _("Two-factor sign-in switched on"),
    "account.2fa_disable": _("Two-factor sign-in switched off"),
    "account.recovery_code_used": _("Recovery code used"),
    "account.recovery_codes_regenerate": _("Recovery codes renewed"),
    "account.power_grant": _("Power granted"),
    "account.power_revoke": _("Power withdrawn"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "committee.create": _("Committee created"),
    "committee.update": _("Committee changed"),
    "term.create": _("Term created"),
    "term.update": _("Term changed"),
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "unit.archive": _("Unit archived"),
    "unit.restore": _("Unit restored"),
    "unit.delete": _("Unit deleted"),
    "unit.import": _("Units imported"),
    "cadre.create": _("Cadre created"),
    "cadre.update": _("Cadre changed"),
    "cadre.archive": _("Cadre archived"),
    "cadre.restore": _("Cadre restored"),
    "cadre.import": _("Cadres imported"),
    "inspector.create": _("Inspector added to the pool"),
    "inspector.update": _("Inspector changed"),
    "inspector.archive": _("Inspector archived"),
    "inspector.restore": _("Inspector restored"),
    "inspector.tie_add": _("Tie declared"),
    "inspector.tie_remove": _("Tie removed"),
    "calendar.override_set": _("Calendar day set"),
    "calendar.override_delete": _("Calendar day removed"),
    "clocks.update": _("Clocks changed"),
    "round.create": _("Round created"),
    "round.update": _("Round changed"),
    "round.submit": _("Round submitted for approval"),
    "round.approve": _("Round approved"),
    "round.return": _("Round returned"),
    "team.create": _("Team created"),
    "team.member_add": _("Team member added"),
    "team.member_update": _("Team member changed"),
    "team.member_remove": _("Team member removed"),
    "team.conflict_override": _("Conflict of interest overridden"),
    "inspection.create": _("Inspection created"),
    "inspection.update": _("Inspection changed"),
    "inspection.station": _("Team stationed"),
    "inspection.begin_onsite": _("On-site inspection begun"),
    "inspection.begin_reporting": _("Reporting begun"),
    "inspection.feedback": _("Feedback given"),
    "inspection.rectifying": _("Rectification begun"),
    "inspection.rectification_reported": _("Rectification reported"),
    "inspection.follow_up": _("Follow-up begun"),
    "inspection.close": _("Inspection closed"),
    "inspection.channel_add": _("Channel added"),
    "inspection.channel_remove": _("Channel removed"),
    "inspection.channels_copy": _("Channels copied"),
    "petition.intake": _("Petition registered"),
    "petition.submit_public": _("Petition received online"),
    "petition.open": _("Petition opened"),
    "petition.assign": _("Petition assigned"),
    "petition.accept": _("Petition accepted"),
    "petition.transfer": _("Petition transferred"),
    "petition.transfer_answer": _("Answer to a transferred petition recorded"),
    "petition.file": _("Petition filed"),
    "petition.duplicate": _("Petition marked as a duplicate"),
    "petition.mark_late": _("Petition marked as late"),
    "petition.ask": _("Question put to the reporter"),
    "petition.reporter_message": _("Reporter's message received"),
    "petition.attachment_download": _("Attachment downloaded"),
    "identity.reveal_request": _("Identity disclosure requested"),
    "identity.reveal_approve": _("Identity disclosure approved"),
    "identity.reveal_refuse": _("Identity disclosure refused"),
    "identity.reveal": _("Reporter's identity shown"),
    "activity.record": _("Activity recorded"),
    "activity.attach_record": _("Activity record uploaded"),
    "problem.draft": _("Problem drafted"),
    "problem.update": _("Problem changed"),
    "problem.team_approve": _("Problem approved by the team"),
    "problem.sign": _("Problem signed by the leader"),
    "problem.withdraw": _("Problem withdrawn"),
    "problem.hand_over": _("Problem handed over"),
    "problem.fixed": _("Problem rectified at once"),
    "problem.evidence_file": _("Problem evidence uploaded"),
    "clue.record": _("Clue recorded"),
    "clue.open": _("Clue opened"),
    "clue.open_refused": _("Opening a clue refused"),
    "clue.transfer": _("Clue transferred"),
    "clue.handle": _("Clue handling recorded"),
    "clue.report": _("Clue outcome reported"),
    "clue.close": _("Clue closed"),
    "report.start": _("Report begun"),
    "report.edit": _("Report edited"),
    "report.submit": _("Report submitted"),
    "report.review": _("Report reviewed"),
    "report.comment": _("Report commented"),
    "report.new_version": _("New report version"),
    "report.approve": _("Report approved"),
    "report.docx": _("Report document downloaded"),
    "feedback.record": _("Feedback recorded"),
    "plan.submit": _("Rectification plan submitted"),
    "plan.review": _("Rectification plan reviewed"),
    "plan.approve": _("Rectification plan approved"),
    "plan.return": _("Rectification plan returned"),
    "measure.add": _("Measure added"),
    "measure.update": _("Measure changed"),
    "measure.progress": _("Measure progress recorded"),
    "measure.evidence": _("Measure evidence uploaded"),
    "measure.done": _("Measure marked done"),
    "measure.close": _("Measure closed"),
    "measure.return": _("Measure returned"),
    "measure.reopen": _("Measure reopened"),
    "measure.publish": _("Measure's publication decided"),
    "rectification_report.submit": _("Rectification report submitted"),
    "rectification_report.accept": _("Rectification report accepted"),
    "rectification_report.return": _("Rectification report returned"),
    "notice.publish": _("Rectification notice published"),
    "notice.withdraw": _("Rectification notice withdrawn"),
    "notice.wording_write": _("Public wording written"),
    "notice.wording_approve": _("Public wording approved"),
    "follow_up.record": _("Follow-up recorded"),
    "accountability.record": _("Accountability recorded"),
    "evaluation.create": _("Evaluation created"),
    "evaluation.template": _("Evaluation built from the template"),
    "evaluation.settings": _("Evaluation settings changed"),
    "evaluation.group_save": _("Evaluation group saved"),
    "evaluation.grades_save": _("Evaluation grades saved"),
    "evaluation.ballot_type_save": _("Ballot type saved"),
    "evaluation.codes": _("Voting codes generated"),
    "evaluation.open": _("Voting opened"),
    "evaluation.close": _("Voting closed"),
    "evaluation.vote": _("Ballot cast"),
    "evaluation.paper_entry": _("Paper ballot entered"),
    "evaluation.paper_resolve": _("Paper ballot resolved"),
    "announcement.create": _("Announcement pasted"),
    "announcement.review": _("Announcement reviewed"),
    "announcement.apply": _("Announcement applied"),
    "notify.preference": _("Notification preferences changed"),
    "notify.webhook_add": _("Group robot added"),
    "notify.webhook_remove": _("Group robot removed"),
    "notify.webhook_test": _("Group robot tested"),
    "pledge.text_set": _("Pledge text set"),
    "pledge.sign": _("Integrity pledge signed"),
    "pledge.record_paper": _("Paper pledge recorded"),
    "appraisal.draft": _("Appraisal drafted"),
    "appraisal.confirm": _("Appraisal confirmed"),
    "appraisal.send": _("Appraisal sent to the organization department"),
    "branch.create": _("Team branch created"),
    "branch.dissolve": _("Team branch dissolved"),
    "branch.meeting": _("Branch meeting recorded"),
    "branch.secretary": _("Branch secretary named"),
    "self_check.submit": _("Self-check submitted"),
    "self_check.fixed": _("Self-found problem fixed"),
    "conduct.supervision_set": _("Supervision phone set"),
    "conduct.report_public": _("Report about a team received online"),
    "conduct.report_record": _("Report about a team recorded"),
    "conduct.report_transfer": _("Report about a team transferred"),
    "conduct.report_conclude": _("Report about a team concluded"),
    "conduct.accountability": _("Team member held accountable"),
    "demo.seed": _("Demo data loaded"),
}


@cache
def _vocabulary(kind: str) -> Any:
    module, _dot, name = VOCABULARIES[kind].rpartition(".")
    return getattr(import_module(module), name)


def display(kind: str, value: str | None) -> str:
    """The display name of ``value`` in the vocabulary ``kind`` (a key of VOCABULARIES)."""
    if not value:
        return "—"
    labels = dict(_vocabulary(kind).choices)
    return str(labels.get(value, value))


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def grade_label(grades: Iterable[Any], code: str) -> str:
    """The label of grade ``code`` among an evaluation's ``Grade`` rows."""
    for grade in grades:
        if grade.code == code:
            return str(grade.label)
    return code
