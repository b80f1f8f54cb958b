"""Each rule of ``access.py`` agrees with its query form: for every persona and every
petition (or identity request), ``can_x(user=u, thing=o)`` is true exactly when the to-do's
queryset ``x_awaiting(user=u)`` holds ``o``."""

from xuncha.accounts.roles import Role
from xuncha.lib.testing import make_user
from xuncha.petitions import access, identity, intake, triage
from xuncha.petitions.models import RevealRequest

from .base import LAND, NOW, OTHER, PERSONAL, TEXT, D, PetitionBase, at


class AccessRuleTests(PetitionBase):
    def setUp(self):
        super().setUp()
        self.custodian_b = make_user("custodian_b", Role.OFFICE, self.county_b, is_custodian=True)
        self.personas = [getattr(self, name) for name in self.PERSONAS] + [self.custodian_b]
        named = identity.Reporter(name="王小明", phone="13812345678")
        self.new = self.intake(reporter=named)
        self.office_queue = self.intake(OTHER, unit=self.unit_fin)
        accepted = self.intake(OTHER)
        triage.petition_accept(actor=self.team, petition=accepted, category="work")
        transferred = self.intake(LAND)
        triage.petition_transfer(actor=self.team, petition=transferred, category="land",
                                 department="湖滨街道办事处")
        answered = triage.petition_transfer(actor=self.office, petition=self.intake(PERSONAL),
                                            category="personal", department="区人社局")
        triage.transfer_answer(actor=self.office, petition=answered, answer="已答复")
        self.travel(at(D(2026, 4, 25)))
        late = self.intake(day=D(2026, 4, 20))  # after the deadline: the petition office's
        self.travel(NOW)
        office_transfer = triage.petition_transfer(
            actor=self.office, petition=self.intake(PERSONAL, unit=self.unit_fin),
            category="personal", department="区财政局")
        other_team = self.intake(inspection=self.second_inspection(self.township))
        foreign = intake.petition_intake(actor=self.other_office, committee=self.county_b,
                                         channel="letter", content=TEXT, unit=self.unit_b,
                                         reporter=named)
        self.petitions = [self.new, self.office_queue, accepted, transferred, answered, late,
                          office_transfer, other_team, foreign]
        pending = identity.reveal_request(actor=self.team, petition=self.new,
                                          reason="需要当面核实举报材料")
        own = identity.reveal_request(actor=self.custodian, petition=self.new,
                                      reason="需要当面核实举报材料的具体情况")
        decided = identity.reveal_request(actor=self.office2, petition=self.new,
                                          reason="需要回访反映人了解进展")
        identity.reveal_decide(actor=self.custodian, request=decided, approve=True)
        foreign_request = identity.reveal_request(actor=self.other_office, petition=foreign,
                                                  reason="需要当面核实举报材料")
        self.reveals = [pending, own, decided, foreign_request]

    def assertAgree(self, rule, query, objects, keyword):
        """``rule`` and ``query`` agree for every persona and object; both say yes at least
        once and no at least once (a rule that refuses everyone proves nothing)."""
        model = type(objects[0])
        answers = set()
        for user in self.personas:
            for obj in objects:
                fresh = model.objects.get(pk=obj.pk)
                answer = rule(user=user, **{keyword: fresh})
                with self.subTest(rule=rule.__name__, user=user.username, pk=obj.pk):
                    self.assertEqual(answer, query(user=user).filter(pk=obj.pk).exists())
                answers.add(answer)
        self.assertEqual(answers, {True, False})

    def test_handling_agrees_with_the_petitions_handled(self):
        self.assertAgree(access.can_handle, access.petitions_handled_by, self.petitions,
                         "petition")
        self.assertTrue(access.can_handle(user=self.team, petition=self.new))
        self.assertFalse(access.can_handle(user=self.team, petition=self.office_queue))

    def test_triage_agrees_with_the_petitions_awaiting_triage(self):
        self.assertAgree(access.can_triage, access.petitions_awaiting_triage, self.petitions,
                         "petition")
        self.assertEqual(set(access.petitions_awaiting_triage(user=self.team_b)),
                         {self.petitions[7]})

    def test_transfer_answer_agrees_with_the_transfers_awaiting_an_answer(self):
        self.assertAgree(access.can_answer_transfer, access.petitions_awaiting_transfer_answer,
                         self.petitions, "petition")
        self.assertEqual(list(access.petitions_awaiting_transfer_answer(user=self.team)),
                         [self.petitions[3]])
        self.assertEqual(set(access.petitions_awaiting_transfer_answer(user=self.office)),
                         {self.petitions[3], self.petitions[6]})
        self.assertEqual([t.petition_id for t in access.transfers_awaiting_answer(
            user=self.office).order_by("pk")], [self.petitions[3].pk, self.petitions[6].pk])

    def test_assigning_agrees_with_the_petitions_assignable(self):
        self.assertAgree(access.can_assign_petition, access.petitions_assignable_by,
                         self.petitions, "petition")
        self.assertEqual(set(access.petitions_assignable_by(user=self.office)),
                         set(self.petitions[:-1]))  # every queue of the committee
        for user in (self.team, self.team_b, self.leader, self.other_office):
            self.assertFalse(access.petitions_assignable_by(user=user).filter(
                pk__in=[p.pk for p in self.petitions[:-1]]).exists())

    def test_reveal_decisions_agree_with_the_requests_awaiting_the_custodian(self):
        self.assertAgree(access.can_decide_reveal_request,
                         access.reveal_requests_awaiting_decision, self.reveals, "reveal")
        pending = self.reveals[0]
        self.assertEqual(list(access.reveal_requests_awaiting_decision(user=self.custodian)),
                         [pending])
        self.assertEqual(access.reveal_requests_awaiting_decision(user=self.custodian_b).count(),
                         1)
        self.assertFalse(access.can_decide_reveal_request(user=self.custodian,
                                                          reveal=self.reveals[1]))  # her own
        self.assertEqual(RevealRequest.objects.count(), 4)

