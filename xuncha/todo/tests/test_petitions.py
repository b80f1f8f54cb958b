"""Petitions: triage for the team and the office, the department's answer on a transfer,
and identity requests for the committee's custodians only."""

import datetime

from xuncha.inspections.testing import stationed_inspection
from xuncha.petitions import identity, intake, triage
from xuncha.petitions.models import Route

from .base import OFFICE_A, TodoBase, at

D = datetime.date
TEXT = "反映东湖区教育局某科长在学校食堂承包招标中收受供应商红包礼金，并为其亲属提供便利。"
LAND = "我家房屋征收补偿款至今没有到位，拆迁安置问题长期得不到解决，请求协调。"
REASON = "需要当面核实举报人反映的具体情况和证据来源。"


class PetitionTests(TodoBase):
    def setUp(self):
        super().setUp()
        self.travel(at(D(2026, 3, 20)))
        self.inspection = stationed_inspection(self)

    def intake(self, content=TEXT, **kw):
        return intake.petition_intake(actor=self.office, committee=self.county, channel="phone",
                                      content=content, unit=self.unit_edu,
                                      received_at=at(D(2026, 3, 20)), **kw)

    def test_a_new_petition_waits_on_the_team_and_the_office(self):
        petition = self.intake()
        self.assertEqual(petition.route, Route.INSPECTION)
        key = f"petition_triage:{petition.pk}"
        # The team of the inspection (insp_a1 is ``team``), and the office; not team_b, not
        # county B, not the liaison or the receivers.
        self.assertHolders(key, OFFICE_A | {"team"})
        self.assertTrue(self.todo(self.team)[key].mine)
        self.assertFalse(self.todo(self.office)[key].mine)
        self.assertNotIn(TEXT[:10], str(self.todo(self.office)[key]))  # no case content
        triage.petition_accept(actor=self.team, petition=petition, category="integrity")
        self.assertNobodyHas("petition_triage:")

    def test_a_transfer_waits_for_the_department_answer(self):
        petition = self.intake(LAND)
        triage.petition_transfer(actor=self.office, petition=petition, category="land",
                                 department="湖滨街道")
        self.assertNobodyHas("petition_triage:")
        key = f"transfer_answer:{petition.pk}"
        self.assertHolders(key, OFFICE_A | {"team"})
        item = self.todo(self.office)[key]
        self.assertEqual((item.due, item.level, item.asked_by),
                         (petition.transfer.due_on, "green", str(self.office)))
        self.travel(at(petition.transfer.due_on + datetime.timedelta(days=1)))
        self.assertTrue(self.todo(self.team)[key].overdue)
        triage.transfer_answer(actor=self.team, petition=petition, answer="已安置")
        self.assertNobodyHas("transfer_answer:")

    def test_an_identity_request_waits_on_the_custodians_only(self):
        petition = self.intake(reporter=identity.Reporter(name="王小明", phone="13812345678"))
        request = identity.reveal_request(actor=self.team, petition=petition, reason=REASON)
        key = f"reveal_decision:{request.pk}"
        self.assertHolders(key, {"custodian"})
        self.assertEqual(self.todo(self.custodian)[key].asked_by, str(self.team))
        identity.reveal_decide(actor=self.custodian, request=request, approve=True)
        self.assertNobodyHas("reveal_decision:")
        own = identity.reveal_request(actor=self.custodian, petition=petition, reason=REASON)
        self.assertHolders(f"reveal_decision:{own.pk}", set())  # nobody decides their own
