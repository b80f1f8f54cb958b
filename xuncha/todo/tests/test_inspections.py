"""Rounds and inspections: each step appears for exactly the people who may take it and
leaves everyone's to-do once taken."""

import datetime

from xuncha.inspections import moves, rounds, targets
from xuncha.inspections.models import ChannelKind, RoundKind
from xuncha.inspections.testing import approved_round, dates, staffed_team

from .base import OFFICE_A, TodoBase, at

D = datetime.date


class RoundTests(TodoBase):
    def test_submit_return_resubmit_approve(self):
        r = rounds.round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": RoundKind.REGULAR, "topic": "",
            "planned_start": D(2026, 7, 1), "planned_end": D(2026, 9, 30)})
        approval, rework = f"round_approval:{r.pk}", f"round_rework:{r.pk}"
        self.assertNobodyHas("round_")  # a draft waits on nobody's decision
        rounds.round_submit(actor=self.office, round=r)
        self.assertHolders(approval, {"leader"})
        item = self.todo(self.leader)[approval]
        self.assertEqual((item.kind, item.url, item.mine, item.level, item.committee_id),
                         ("round_approval", f"/inspections/rounds/{r.pk}/", False, "grey",
                          self.county.pk))
        rounds.round_return(actor=self.leader, round=r, note="补充专项内容")
        self.assertHolders(approval, set())
        self.assertHolders(rework, OFFICE_A)
        rounds.round_submit(actor=self.office2, round=r)
        self.assertHolders(rework, set())
        self.assertHolders(approval, {"leader"})
        rounds.round_approve(actor=self.leader, round=r)
        self.assertNobodyHas("round_")


class InspectionStepTests(TodoBase):
    def setUp(self):
        super().setUp()
        self.round = approved_round(self, start=D(2026, 7, 1), end=D(2026, 10, 31))
        # insp_a1 (the ``team`` persona) leads; team_b (insp_a5) is on no team of it.
        self.team_obj = staffed_team(self, self.round)
        self.inspection = targets.inspection_create(
            actor=self.office, team=self.team_obj, units=[self.unit_edu],
            data=dates(D(2026, 7, 6)))[0]
        for kind, value in ((ChannelKind.PHONE, "0791-86001234"), (ChannelKind.ONLINE, "")):
            targets.channel_add(actor=self.office, inspection=self.inspection,
                                data={"kind": kind, "value": value, "hours": "8:00—20:00"})

    def test_notice_and_stationing_wait_on_the_office_and_the_team_leader(self):
        pk = self.inspection.pk
        self.assertHolders(f"target_notice:{pk}", OFFICE_A | {"team"})
        self.assertHolders(f"stationing:{pk}", OFFICE_A | {"team"})
        notice = self.todo(self.team)[f"target_notice:{pk}"]
        # 10 working days before the stationing on Monday 6 July: Monday 22 June.
        self.assertEqual((notice.due, notice.level, notice.mine), (D(2026, 6, 22), "green", True))
        self.assertFalse(self.todo(self.office)[f"target_notice:{pk}"].mine)
        self.travel(at(D(2026, 6, 23)))
        self.assertEqual(self.todo(self.office)[f"target_notice:{pk}"].level, "red")
        targets.inspection_update(actor=self.team, inspection=self.inspection,
                                  data={"notified_on": D(2026, 6, 23)})
        self.assertHolders(f"target_notice:{pk}", set())
        self.assertHolders(f"stationing:{pk}", OFFICE_A | {"team"})

    def test_stationing_on_site_and_reporting(self):
        pk = self.inspection.pk
        self.travel(at(D(2026, 7, 6)))
        moves.inspection_station(actor=self.office, inspection=self.inspection)
        self.assertNobodyHas("stationing:")
        self.assertNobodyHas("target_notice:")
        self.assertHolders(f"onsite_start:{pk}", OFFICE_A | {"team"})
        moves.inspection_begin_onsite(actor=self.team, inspection=self.inspection)
        self.assertNobodyHas("onsite_start:")
        self.assertNobodyHas("reporting_start:")  # intake is open until 15 August
        self.travel(at(D(2026, 8, 16)))
        self.assertHolders(f"reporting_start:{pk}", OFFICE_A | {"team"})
        moves.inspection_begin_reporting(actor=self.office2, inspection=self.inspection)
        self.assertNobodyHas("reporting_start:")
