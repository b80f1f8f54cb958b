"""Each rule and its query form agree over the personas and several objects; the page
rules keep team accounts out of the reports about teams."""

import datetime

from xuncha.inspections.models import TeamMember, TeamPosition
from xuncha.inspections.targets import inspection_create
from xuncha.inspections.teams import member_add, team_create
from xuncha.inspections.testing import approved_round, dates, stationed_inspection
from xuncha.lib.testing import WorldTestCase
from xuncha.teamwork import access
from xuncha.teamwork.models import ConductReport
from xuncha.teamwork.pledges import pledge_sign
from xuncha.teamwork.reports import (
    conduct_report_conclude,
    conduct_report_record,
    conduct_report_transfer,
)

D = datetime.date
CONTENT = "反映巡察组成员在进驻期间接受宴请，请核查。"

QUERY_FORMS = [
    (access.can_sign_pledge, access.members_signable_by, TeamMember, "member"),
    (access.is_pledge_awaited, access.members_awaiting_pledge, TeamMember, "member"),
    (access.can_record_paper_pledge, access.members_awaiting_paper_pledge, TeamMember,
     "member"),
    (access.can_transfer_conduct_report, access.conduct_reports_transferable_by,
     ConductReport, "report"),
    (access.can_conclude_conduct_report, access.conduct_reports_awaiting_handling,
     ConductReport, "report"),
    (access.can_record_inspector_accountability,
     access.conduct_reports_awaiting_accountability, ConductReport, "report"),
]


class AgreementTests(WorldTestCase):
    def test_query_forms_agree_with_their_rules(self):
        stationed = stationed_inspection(self)  # pledges recorded, stationed
        team = team_create(actor=self.office, round=approved_round(
            self, start=D(2026, 9, 1), end=D(2026, 11, 30)))
        member_add(actor=self.office, team=team, inspector=self.insp_a1,
                   position=TeamPosition.LEADER)
        member_add(actor=self.office, team=team, inspector=self.insp_a5)
        inspection_create(actor=self.office, team=team, units=[self.unit_fin],
                          data=dates(D(2026, 9, 7)))
        idle = team_create(actor=self.office, round=approved_round(  # no target yet
            self, start=D(2027, 3, 1), end=D(2027, 6, 30)))
        member_add(actor=self.office, team=idle, inspector=self.insp_a5,
                   position=TeamPosition.LEADER)
        pledge_sign(actor=self.team_b, member=team.members.get(inspector=self.insp_a5),
                    text_version=1)
        received = conduct_report_record(actor=self.office, team=stationed.team,
                                         source="phone", content=CONTENT)
        transferred = conduct_report_record(actor=self.office, team=stationed.team,
                                            source="staff", content=CONTENT)
        conduct_report_transfer(actor=self.office, report=transferred, note="移交")
        substantiated = conduct_report_record(actor=self.office, team=stationed.team,
                                              source="phone", content=CONTENT,
                                              inspector=self.insp_a2)
        conduct_report_conclude(actor=self.office, report=substantiated, substantiated=True,
                                conclusion="经核查属实。")
        self.assertTrue(received and transferred)
        personas = [getattr(self, p) for p in self.PERSONAS]
        mismatches, held = [], set()
        for rule, query, model, keyword in QUERY_FORMS:
            for obj in model.objects.all():
                obj = model.objects.get(pk=obj.pk)  # no cached relations between rules
                for user in personas:
                    said = rule(user=user, **{keyword: obj})
                    listed = query(user=user).filter(pk=obj.pk).exists()
                    if said != listed:
                        mismatches.append(f"{rule.__name__} {user} {obj}: {said} {listed}")
                    if said:
                        held.add(rule.__name__)
        self.assertEqual(mismatches, [])
        self.assertEqual(held, {r.__name__ for r, *_rest in QUERY_FORMS})

    def test_team_accounts_never_open_the_reports(self):
        for name in ("team", "team_b", "other_team", "liaison", "leader", "oversight",
                     "receiver_org"):
            self.assertFalse(access.can_open_conduct_reports(user=getattr(self, name)), name)
        for name in ("office", "office2", "receiver", "other_office"):
            self.assertTrue(access.can_open_conduct_reports(user=getattr(self, name)), name)


class MoreAgreementTests(WorldTestCase):
    def test_appraisal_and_self_check_forms_agree(self):
        from xuncha.findings.testing import fed_back, signed_problem
        from xuncha.inspections.models import Inspection
        from xuncha.teamwork.appraisals import appraisal_confirm, appraisal_draft
        from xuncha.teamwork.models import Appraisal, SelfCheck, SelfFoundProblem

        inspection = stationed_inspection(self)
        SelfCheck.objects.create(inspection=inspection, summary="自查情况。",
                                 submitted_by=self.liaison)
        SelfFoundProblem.objects.create(self_check=inspection.self_check, inspection=inspection,
                                        committee=self.county, number=1, text="问题")
        fed_back(self, inspection, [signed_problem(self, inspection)])
        members = {m.inspector_id: m for m in inspection.team.members.all()}
        appraisal_confirm(actor=self.office, appraisal=appraisal_draft(
            actor=self.team, member=members[self.insp_a2.pk], grade="优秀", text=CONTENT * 2))
        appraisal_draft(actor=self.team, member=members[self.insp_a3.pk], grade="称职",
                        text=CONTENT * 2)
        team = team_create(actor=self.office, round=approved_round(
            self, start=D(2026, 9, 1), end=D(2026, 11, 30)))
        member_add(actor=self.office, team=team, inspector=self.insp_a4,
                   position=TeamPosition.LEADER)
        inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                          data=dates(D(2026, 9, 7)) | {"notified_on": D(2026, 8, 20)})
        forms = [
            (access.can_draft_appraisal, access.members_appraisable_by, TeamMember, "member"),
            (access.can_confirm_appraisal, access.appraisals_awaiting_confirmation, Appraisal,
             "appraisal"),
            (access.can_send_appraisal, access.appraisals_sendable_by, Appraisal, "appraisal"),
            (access.can_submit_self_check, access.inspections_awaiting_self_check, Inspection,
             "inspection"),
            (access.can_mark_self_found_fixed, access.self_found_awaiting_fix, SelfFoundProblem,
             "problem"),
        ]
        personas = [getattr(self, p) for p in self.PERSONAS]
        mismatches, held = [], set()
        for rule, query, model, keyword in forms:
            for obj in model.objects.all():
                obj = model.objects.get(pk=obj.pk)
                for user in personas:
                    said = rule(user=user, **{keyword: obj})
                    if said != query(user=user).filter(pk=obj.pk).exists():
                        mismatches.append(f"{rule.__name__} {user} {obj}: {said}")
                    if said:
                        held.add(rule.__name__)
        self.assertEqual(mismatches, [])
        self.assertEqual(held, {r.__name__ for r, *_rest in forms})
