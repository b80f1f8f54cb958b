"""Triage: accept (a discipline), transfer (with the department and the clock), file,
duplicate, late; the suggestion from the text and its reasons."""

from django.test import override_settings
from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.inspections import clocks
from xuncha.inspections.models import ClockPolicy, Inspection
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.petitions import services
from xuncha.petitions.models import Petition, Route, Status
from xuncha.petitions.triage import RULES, segment, suggest

from .base import LAND, OTHER, PERSONAL, TEXT, D, PetitionBase


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
        self.assertEqual(services.suggestion_for(online)["category"], "land")
        self.assertEqual(Petition.objects.get(pk=online.pk).suggestion["category"], "land")


class TriageTests(PetitionBase):
    def test_accept(self):
        petition = self.intake()
        accepted = services.petition_accept(actor=self.team, petition=petition,
                                            category="integrity", note="在受理范围",
                                            version=petition.version)
        accepted.refresh_from_db()
        self.assertEqual((accepted.status, accepted.category, accepted.triaged_by,
                          accepted.triage_note, accepted.version),
                         (Status.ACCEPTED, "integrity", self.team, "在受理范围", 2))
        event = Event.objects.get(action="petition.accept")
        self.assertEqual((event.changes, event.params), ({"status": ["new", "accepted"]},
                                                         {"category": "integrity"}))
        with self.assertRaises(DomainError) as raised:  # triaged once
            services.petition_file(actor=self.team, petition=accepted, note="x")
        self.assertEqual(raised.exception.code, "already_triaged")

    def test_accept_needs_a_discipline_and_the_current_version(self):
        petition = self.intake()
        for category in ("", "land", "nonsense"):
            with self.assertRaises(DomainError):
                services.petition_accept(actor=self.team, petition=petition, category=category)
        with self.assertRaises(Conflict):
            services.petition_accept(actor=self.team, petition=petition, category="work",
                                     version=petition.version + 1)
        self.assertEqual(Petition.objects.get(pk=petition.pk).status, Status.NEW)

    def test_transfer_with_the_clock(self):
        petition = self.intake(PERSONAL)
        with self.assertRaises(DomainError):  # the department is required
            services.petition_transfer(actor=self.team, petition=petition, category="personal",
                                       department=" ")
        with self.assertRaises(DomainError):  # a transfer category, not a discipline
            services.petition_transfer(actor=self.team, petition=petition, category="work",
                                       department="区人社局")
        petition = services.petition_transfer(actor=self.team, petition=petition,
                                              category="personal", department="区人社局")
        transfer = petition.transfer
        # 30 working days from 2026-03-20: Qingming (6 April) and May Day (1–5 May) skipped.
        self.assertEqual((petition.status, petition.transfer_category, transfer.transferred_on,
                          transfer.due_on), (Status.TRANSFERRED, "personal", D(2026, 3, 20),
                                             D(2026, 5, 7)))
        with self.assertRaises(DomainError):  # not before the transfer
            services.transfer_answer(actor=self.office, petition=petition, answer="已处理",
                                     answered_on=D(2026, 3, 19))
        transfer = services.transfer_answer(actor=self.office, petition=petition,
                                            answer="已协调解决", answered_on=D(2026, 3, 20))
        self.assertEqual((transfer.answered_on, transfer.answered_by), (D(2026, 3, 20),
                                                                        self.office))
        with self.assertRaises(DomainError):
            services.transfer_answer(actor=self.office, petition=petition, answer="again")
        self.assertEqual(Event.objects.get(action="petition.transfer").params["department"],
                         "区人社局")

    def test_transfer_clock_follows_the_committee_policy(self):
        ClockPolicy.objects.create(committee=self.county, transfer_answer_workdays=5)
        petition = services.petition_transfer(actor=self.team, petition=self.intake(LAND),
                                              category="land", department="湖滨街道办事处")
        self.assertEqual(petition.transfer.due_on, D(2026, 3, 27))

    def test_transfer_clock_in_my_deadlines_green_yellow_red(self):
        petition = services.petition_transfer(actor=self.team, petition=self.intake(PERSONAL),
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
        services.transfer_answer(actor=self.team, petition=petition, answer="已答复")
        self.assertIsNone(level(D(2026, 5, 8)))

    def test_file_needs_a_reason(self):
        petition = self.intake("反映的情况已由纪委处理完毕，特此补充说明情况。")
        with self.assertRaises(DomainError):
            services.petition_file(actor=self.team, petition=petition, note="")
        filed = services.petition_file(actor=self.team, petition=petition, note="已处理，存查")
        self.assertEqual((filed.status, filed.triage_note), (Status.FILED, "已处理，存查"))

    def test_accepting_after_the_deadline_needs_the_late_mark(self):
        petition = self.intake(day=D(2026, 3, 20))
        with self.assertRaises(DomainError) as raised:  # on time: not late
            services.petition_mark_late(actor=self.office, petition=petition)
        self.assertEqual(raised.exception.code, "not_late")
        # The deadline was brought forward after the petition came in.
        Inspection.objects.filter(pk=self.inspection.pk).update(petition_deadline=D(2026, 3, 15))
        petition = Petition.objects.get(pk=petition.pk)
        with self.assertRaises(DomainError) as raised:
            services.petition_accept(actor=self.team, petition=petition, category="work")
        self.assertEqual(raised.exception.code, "late_not_marked")
        marked = services.petition_mark_late(actor=self.team, petition=petition)
        self.assertEqual((marked.late, marked.route), (True, Route.LATE))
        with self.assertRaises(Forbidden):  # the team's queue no longer has it
            services.petition_accept(actor=self.team, petition=marked, category="work")
        accepted = services.petition_accept(actor=self.office, petition=marked, category="work")
        self.assertEqual(accepted.status, Status.ACCEPTED)
        self.assertTrue(Event.objects.filter(action="petition.mark_late").exists())

    def test_only_handlers_triage(self):
        petition = self.intake()
        for outsider in (self.team_b, self.other_team, self.other_office, self.liaison,
                         self.receiver, self.leader, self.oversight):
            with self.assertRaises(Forbidden, msg=outsider.username):
                services.petition_accept(actor=outsider, petition=petition, category="work")
        office_queue = self.intake(unit=self.unit_fin)
        with self.assertRaises(Forbidden):  # the office's queue is not the team's
            services.petition_file(actor=self.team, petition=office_queue, note="x")
        services.petition_file(actor=self.office2, petition=office_queue, note="不属于受理范围")

    def test_ask_the_online_reporter_only(self):
        online, _receipt = self.submit()
        message = services.petition_ask(actor=self.team, petition=online, text="请补充时间地点")
        self.assertEqual((message.direction, message.author), ("question", self.team))
        with self.assertRaises(DomainError):
            services.petition_ask(actor=self.team, petition=self.intake(), text="请补充")


class TriagePageTests(PetitionBase):
    def post(self, petition, action, data):
        return self.client.post(reverse("petitions:action", args=[petition.pk, action]), data)

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

    def test_a_stale_form_changes_nothing(self):
        self.login(self.team)
        petition = self.intake()
        services.petition_file(actor=self.office, petition=petition, note="存查")
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
