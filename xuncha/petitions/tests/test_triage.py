"""Triage: accept (a discipline), transfer (with the department and the clock), file,
duplicate, late; the suggestion from the text and its reasons."""

from django.test import override_settings
from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.inspections import clocks
from xuncha.inspections.models import ClockPolicy, Inspection
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.petitions import triage
from xuncha.petitions.categories import RULES, segment, suggest
from xuncha.petitions.models import Petition, Route, Status

from .base import LAND, OTHER, PERSONAL, TEXT, D, PetitionBase

HANDLERS_ONLY = "Only the inspection office or the inspection team handles this petition."


class SuggestionTests(PetitionBase):
    def test_discipline_with_the_words_that_matched(self):
        s = suggest(TEXT)
        self.assertEqual((s.kind, s.category), ("discipline", "integrity"))
        self.assertIn("红包", s.matched)
        self.assertIn("礼金", s.matched)
        self.assertEqual(s.score, sum(RULES[("discipline", "integrity")][w] for w in s.matched))

    def test_transfer_categories(self):
        self.assertEqual(suggest(LAND).as_dict()["category"], "land")
        self.assertEqual(suggest(PERSONAL).category, "personal")
        litigation = suggest("对法院判决不服，多次申诉无果，请求巡察组督促法院再审。")
        self.assertEqual((litigation.kind, litigation.category), ("transfer", "litigation"))
        mixed = suggest(OTHER)  # 推诿 + 扯皮 (work, 6) outweigh 赌博 (life, 4)
        self.assertEqual((mixed.category, mixed.scores["life"]), ("work", 4))
        self.assertEqual(set(mixed.matched), {"推诿", "扯皮"})

    def test_traditional_script_and_no_match(self):
        self.assertEqual(suggest("反映某科長收受紅包禮金。").category, "integrity")
        nothing = suggest("今天天气很好，我们去公园散步。")
        self.assertEqual((nothing.kind, nothing.category, nothing.matched), ("", "", []))

    def test_compound_keywords_stay_whole(self):
        self.assertIn("征地拆迁", segment("反映征地拆迁补偿不到位"))

    def test_staff_intake_stores_the_suggestion_online_reports_get_it_in_triage(self):
        self.assertEqual(self.intake().suggestion["category"], "integrity")
        online, _receipt = self.submit(LAND)
        self.assertEqual(online.suggestion, {})
        self.assertEqual(triage.suggestion_for(online)["category"], "land")
        self.assertEqual(Petition.objects.get(pk=online.pk).suggestion["category"], "land")


class TriageTests(PetitionBase):
    def test_accept(self):
        petition = self.intake()
        accepted = triage.petition_accept(actor=self.team, petition=petition,
                                          category="integrity", note="在受理范围",
                                          version=petition.version)
        accepted.refresh_from_db()
        self.assertEqual((accepted.status, accepted.category, accepted.triaged_by,
                          accepted.triage_note, accepted.version),
                         (Status.ACCEPTED, "integrity", self.team, "在受理范围", 2))
        event = Event.objects.get(action="petition.accept")
        self.assertEqual((event.changes, event.params), ({"status": ["new", "accepted"]},
                                                         {"category": "integrity"}))
        with self.assertRefused(DomainError, code="already_triaged"):  # triaged once
            triage.petition_file(actor=self.team, petition=accepted, note="x")

    def test_accept_needs_a_discipline_and_the_current_version(self):
        petition = self.intake()
        for category in ("", "land", "nonsense"):
            with self.assertRefused(DomainError, "Choose which discipline the matter concerns."):
                triage.petition_accept(actor=self.team, petition=petition, category=category)
        with self.assertRefused(Conflict, code="conflict"):
            triage.petition_accept(actor=self.team, petition=petition, category="work",
                                   version=petition.version + 1)
        self.assertEqual(Petition.objects.get(pk=petition.pk).status, Status.NEW)

    def test_transfer_with_the_clock(self):
        petition = self.intake(PERSONAL)
        with self.assertRefused(DomainError, "Name the department it goes to."):
            triage.petition_transfer(actor=self.team, petition=petition, category="personal",
                                     department=" ")
        with self.assertRefused(DomainError, "Choose why the petition is transferred."):
            triage.petition_transfer(actor=self.team, petition=petition, category="work",
                                     department="区人社局")
        petition = triage.petition_transfer(actor=self.team, petition=petition,
                                            category="personal", department="区人社局")
        transfer = petition.transfer
        # 30 working days from 2026-03-20: Qingming (6 April) and May Day (1–5 May) skipped.
        self.assertEqual((petition.status, petition.transfer_category, transfer.transferred_on,
                          transfer.due_on), (Status.TRANSFERRED, "personal", D(2026, 3, 20),
                                             D(2026, 5, 7)))
        with self.assertRefused(DomainError, "The answer date must fall between the transfer "
                                             "and today."):
            triage.transfer_answer(actor=self.office, petition=petition, answer="已处理",
                                   answered_on=D(2026, 3, 19))
        transfer = triage.transfer_answer(actor=self.office, petition=petition,
                                          answer="已协调解决", answered_on=D(2026, 3, 20))
        self.assertEqual((transfer.answered_on, transfer.answered_by), (D(2026, 3, 20),
                                                                        self.office))
        with self.assertRefused(DomainError, "The department's answer is already recorded."):
            triage.transfer_answer(actor=self.office, petition=petition, answer="again")
        self.assertEqual(Event.objects.get(action="petition.transfer").params["department"],
                         "区人社局")

    def test_transfer_clock_follows_the_committee_policy(self):
        ClockPolicy.objects.create(committee=self.county, transfer_answer_workdays=5)
        petition = triage.petition_transfer(actor=self.team, petition=self.intake(LAND),
                                            category="land", department="湖滨街道办事处")
        self.assertEqual(petition.transfer.due_on, D(2026, 3, 27))

    def test_transfer_clock_in_my_deadlines_green_yellow_red(self):
        petition = triage.petition_transfer(actor=self.team, petition=self.intake(PERSONAL),
                                            category="personal", department="区人社局")

        def level(day):
            items = [d for d in clocks.deadlines_for(self.team, day) if d.key == "transfer"]
            return items[0].level if items else None

        self.assertEqual(level(D(2026, 3, 20)), "green")
        self.assertEqual(level(D(2026, 5, 6)), "yellow")
        self.assertEqual(level(D(2026, 5, 8)), "red")
        self.assertEqual([d.key for d in clocks.deadlines_for(self.liaison, D(2026, 5, 8))
                          if d.key == "transfer"], [])
        self.login(self.team)
        page = self.client.get(reverse("inspections:my_deadlines"))
        self.assertContains(page, "区人社局")
        triage.transfer_answer(actor=self.team, petition=petition, answer="已答复")
        self.assertIsNone(level(D(2026, 5, 8)))

    def test_file_needs_a_reason(self):
        petition = self.intake("反映的情况已由纪委处理完毕，特此补充说明情况。")
        with self.assertRefused(DomainError, "Say why the petition is filed."):
            triage.petition_file(actor=self.team, petition=petition, note="")
        filed = triage.petition_file(actor=self.team, petition=petition, note="已处理，存查")
        self.assertEqual((filed.status, filed.triage_note), (Status.FILED, "已处理，存查"))

    def test_accepting_after_the_deadline_needs_the_late_mark(self):
        petition = self.intake(day=D(2026, 3, 20))
        with self.assertRefused(DomainError, code="not_late"):  # on time: not late
            triage.petition_mark_late(actor=self.office, petition=petition)
        # The deadline was brought forward after the petition came in.
        Inspection.objects.filter(pk=self.inspection.pk).update(petition_deadline=D(2026, 3, 15))
        petition = Petition.objects.get(pk=petition.pk)
        with self.assertRefused(DomainError, code="late_not_marked"):
            triage.petition_accept(actor=self.team, petition=petition, category="work")
        marked = triage.petition_mark_late(actor=self.team, petition=petition)
        self.assertEqual((marked.late, marked.route), (True, Route.LATE))
        with self.assertRefused(Forbidden, HANDLERS_ONLY):  # the team's queue no longer has it
            triage.petition_accept(actor=self.team, petition=marked, category="work")
        accepted = triage.petition_accept(actor=self.office, petition=marked, category="work")
        self.assertEqual(accepted.status, Status.ACCEPTED)
        self.assertTrue(Event.objects.filter(action="petition.mark_late").exists())

    def test_only_handlers_triage(self):
        petition = self.intake()
        for outsider in (self.team_b, self.other_team, self.other_office, self.liaison,
                         self.receiver, self.leader, self.oversight):
            with self.subTest(outsider.username), self.assertRefused(Forbidden, HANDLERS_ONLY):
                triage.petition_accept(actor=outsider, petition=petition, category="work")
        office_queue = self.intake(unit=self.unit_fin)
        with self.assertRefused(Forbidden, HANDLERS_ONLY):  # the office's queue is not the team's
            triage.petition_file(actor=self.team, petition=office_queue, note="x")
        triage.petition_file(actor=self.office2, petition=office_queue, note="不属于受理范围")

    def test_ask_the_online_reporter_only(self):
        online, _receipt = self.submit()
        message = triage.petition_ask(actor=self.team, petition=online, text="请补充时间地点")
        self.assertEqual((message.direction, message.author), ("question", self.team))
        with self.assertRefused(DomainError, "Only online reporters can be asked through their "
                                             "receipt."):
            triage.petition_ask(actor=self.team, petition=self.intake(), text="请补充")


class TriagePageTests(PetitionBase):
    def post(self, petition, action, data):
        return self.client.post(reverse(f"petitions:{action}_action", args=[petition.pk]), data)

    def test_every_path_through_the_page(self):
        self.login(self.team)
        accept, transfer, file, dup, original = (self.intake(TEXT), self.intake(LAND),
                                                 self.intake(OTHER), self.intake(TEXT),
                                                 self.intake(TEXT))
        page = self.client.get(reverse("petitions:detail", args=[accept.pk]))
        self.assertContains(page, "红包")  # the reason of the suggestion
        self.assertEqual(page.context["accept_form"].initial["category"], "integrity")
        self.assertEqual(self.post(accept, "accept", {"category": "integrity", "version": 1})
                         .status_code, 302)
        self.post(transfer, "transfer", {"transfer_category": "land", "department": "街道办",
                                         "version": 1})
        self.post(file, "file", {"note": "情况不实", "version": 1})
        self.post(dup, "duplicate", {"original": original.pk, "version": 1})
        statuses = dict(Petition.objects.values_list("pk", "status"))
        self.assertEqual([statuses[p.pk] for p in (accept, transfer, file, dup, original)],
                         ["accepted", "transferred", "filed", "duplicate", "new"])
        page = self.client.get(reverse("petitions:detail", args=[transfer.pk]))
        self.assertContains(page, "light-green")
        self.post(transfer, "answer", {"answer": "已答复", "answered_on": "2026-03-20"})
        self.assertEqual(Petition.objects.get(pk=transfer.pk).transfer.answer, "已答复")

    def test_overlong_text_comes_back_on_its_form(self):
        self.login(self.team)
        petition, _receipt = self.submit(PERSONAL)
        original = self.intake()
        too_long = "字" * 4001
        for action, form, data in (
                ("accept", "accept_form", {"category": "work", "note": too_long}),
                ("transfer", "transfer_form", {"transfer_category": "personal",
                                               "department": "区人社局", "note": too_long}),
                ("file", "file_form", {"note": too_long}),
                ("duplicate", "duplicate_form", {"original": original.pk, "note": too_long}),
                ("ask", "ask_form", {"text": too_long}),
                ("answer", "answer_form", {"answer": too_long, "answered_on": "2026-03-20"})):
            with self.subTest(action):
                response = self.post(petition, action, data | {"version": 1})
                self.assertEqual(response.status_code, 400)
                self.assertTrue(response.context[form].errors)
                self.assertContains(response, "4000", status_code=400)
        self.assertEqual(Petition.objects.get(pk=petition.pk).status, Status.NEW)
        accepted = self.post(petition, "accept", {"category": "work", "note": "字" * 4000,
                                                  "version": 1})
        self.assertEqual(accepted.status_code, 302)
        self.assertEqual(len(Petition.objects.get(pk=petition.pk).triage_note), 4000)

    def test_a_stale_form_changes_nothing(self):
        self.login(self.team)
        petition = self.intake()
        triage.petition_file(actor=self.office, petition=petition, note="存查")
        response = self.post(petition, "accept", {"category": "work", "version": 1})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Petition.objects.get(pk=petition.pk).status, Status.FILED)

    @override_settings(LANGUAGE_CODE="en")
    def test_late_mark_through_the_page_sends_the_team_back_to_the_list(self):
        petition = self.intake()
        Inspection.objects.filter(pk=self.inspection.pk).update(petition_deadline=D(2026, 3, 15))
        self.login(self.team)
        page = self.client.get(reverse("petitions:detail", args=[petition.pk]))
        self.assertTrue(page.context["late_needed"])
        response = self.post(petition, "late", {})
        self.assertRedirects(response, reverse("petitions:list"))
        self.assertEqual(self.client.get(reverse("petitions:detail", args=[petition.pk]))
                         .status_code, 404)
