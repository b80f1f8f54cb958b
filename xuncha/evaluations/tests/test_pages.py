"""The office's pages of a session: one view per action, who may use them, and bad input."""

import datetime
import io

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from docx import Document

from xuncha.audit.models import Event
from xuncha.evaluations import ballots, sessions
from xuncha.evaluations.models import Evaluation, SheetStatus, Status, VotingCode
from xuncha.lib.testing import WorldTestCase, make_user

ACTIONS = ("group_save", "grades_save", "ballot_type_save", "voting_open", "voting_close",
           "codes_generate")


class PageBase(WorldTestCase):
    def setUp(self):
        self.evaluation = sessions.evaluation_from_seed_template(
            actor=self.office, meeting_date=datetime.date(2026, 12, 28),
            closes_at=timezone.now() + datetime.timedelta(hours=3))
        self.login(self.office)

    def url(self, name, *args):
        return reverse(f"evaluations:{name}", args=[self.evaluation.pk, *args])

    def post(self, name, data=None):
        """The response and the messages it leaves (shown, so they do not pile up)."""
        response = self.client.post(self.url(name), data or {})
        said = [str(m) for m in get_messages(response.wsgi_request)]
        if response.status_code == 302:
            self.client.get(response["Location"])
        return response, said

    def detail(self):
        return self.client.get(self.url("detail"))


class ActionPageTests(PageBase):
    def test_the_addresses_stay(self):
        for name, path in (("group_save", "group"), ("grades_save", "grades"),
                           ("ballot_type_save", "ballot-type"), ("voting_open", "open"),
                           ("voting_close", "close"), ("codes_generate", "codes")):
            self.assertEqual(self.url(name), f"/evaluations/{self.evaluation.pk}/do/{path}/")

    def test_setup_then_open_then_close(self):
        response, said = self.post("group_save", {
            "name": "乡镇", "quota_grade": "good", "quota_max": "1", "objects": "甲\n乙"})
        self.assertRedirects(response, self.url("detail"))
        self.assertEqual(said, [gettext("Done.")])
        self.assertTrue(self.evaluation.groups.filter(name="乡镇").exists())
        response, said = self.post("grades_save", {
            "grades": "good | 好 | 100\nfair | 中 | 50\n\npoor | 差 | 0"})
        self.assertEqual(said, [gettext("Done.")])
        self.assertEqual(list(self.evaluation.grades.values_list("code", flat=True)),
                         ["good", "fair", "poor"])
        response, said = self.post("ballot_type_save", {
            "code": "C", "name": "C票", "voters": "列席人员", "weight": "0.1"})
        self.assertEqual(said, [gettext("Done.")])
        page = self.detail()
        self.assertContains(page, self.url("voting_open"))
        self.assertNotContains(page, self.url("voting_close"))
        response, said = self.post("voting_open")
        self.assertEqual(said, [gettext("Done.")])
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.OPEN)
        page = self.detail()
        self.assertNotContains(page, self.url("voting_open"))
        self.assertNotContains(page, self.url("group_save"))
        self.assertContains(page, self.url("voting_close"))
        self.assertContains(page, self.url("paper"))
        response, said = self.post("codes_generate", {
            "type": self.evaluation.ballot_types.get(code="A").pk, "count": "3"})
        self.assertEqual(response["Content-Type"].split(";")[0],
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        self.assertIn("评议码", "\n".join(p.text for p in Document(
            io.BytesIO(response.content)).paragraphs))
        self.assertEqual(VotingCode.objects.filter(evaluation=self.evaluation).count(), 3)
        response, said = self.post("voting_close")
        self.assertEqual(said, [gettext("Done.")])
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.CLOSED)
        self.assertNotContains(self.detail(), self.url("codes_generate"))
        actions = list(Event.objects.filter(action__startswith="evaluation.").order_by(
            "seq").values_list("action", flat=True))
        self.assertEqual(actions, [
            "evaluation.create", "evaluation.template", "evaluation.group_save",
            "evaluation.grades_save", "evaluation.ballot_type_save", "evaluation.open",
            "evaluation.codes", "evaluation.close"])

    def test_refusals_come_back_as_messages(self):
        response, said = self.post("voting_close")
        self.assertRedirects(response, self.url("detail"))
        self.assertEqual(said, [gettext("Only an open evaluation can be closed.")])
        _response, said = self.post("grades_save", {"grades": "好"})
        self.assertEqual(said, [gettext("Write each grade as label | score.")])
        for score in ("", "abc", "NaN", "Infinity"):
            _response, said = self.post("grades_save", {"grades": f"a | 甲 | {score}\nb | 乙 | 0"})
            self.assertEqual(said, [gettext("Write a number.")], score)
        _response, said = self.post("grades_save", {"grades": "x" * 4000})
        self.assertEqual(said, [gettext("Write each grade as label | score.")])
        _response, said = self.post("grades_save", {"grades": f"a | {'甲' * 4000} | 1\nb | 乙 | 0"})
        self.assertEqual(said, [gettext(
            "A grade code has 1 to 16 characters and its label 1 to 20.")])
        _response, said = self.post("group_save", {
            "name": "组" * 4000, "quota_grade": "good", "objects": "甲"})
        self.assertEqual(len(said), 1)
        self.assertIn("200", said[0])  # the form's length limit, not a server error
        _response, said = self.post("group_save", {
            "name": "组", "quota_grade": "good", "objects": "甲", "group": "999999"})
        self.assertEqual(said, [gettext("Not found.")])
        _response, said = self.post("ballot_type_save", {
            "code": "A", "name": "A", "voters": "人" * 4000, "weight": "0.5"})
        self.assertEqual(len(said), 1)
        _response, said = self.post("codes_generate", {"type": "999999", "count": "3"})
        self.assertEqual(said, [gettext("Not found.")])
        kind = self.evaluation.ballot_types.get(code="A").pk
        for count in ("0", "2001", "many"):
            _response, said = self.post("codes_generate", {"type": kind, "count": count})
            self.assertEqual(said, [gettext("Generate between 1 and 2000 codes at a time.")])
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DRAFT)

    def test_who_may(self):
        for name in ACTIONS:
            self.assertEqual(self.client.get(self.url(name)).status_code, 405, name)
        self.login(self.leader)
        self.assertEqual(self.detail().status_code, 200)
        self.assertNotContains(self.detail(), self.url("voting_open"))
        self.assertEqual(self.client.get(self.url("results")).status_code, 200)
        self.assertNotContains(self.client.get(reverse("evaluations:list")),
                               reverse("evaluations:create"))
        for name in ACTIONS:
            self.assertEqual(self.client.post(self.url(name)).status_code, 403, name)
        for name in ("paper", "ballot_docx"):
            args = ["A"] if name == "ballot_docx" else []
            self.assertEqual(self.client.get(self.url(name, *args)).status_code, 403, name)
        self.login(self.other_office)
        for name in ACTIONS:
            self.assertEqual(self.client.post(self.url(name)).status_code, 404, name)
        self.assertEqual(self.client.get(self.url("results")).status_code, 404)
        self.login(self.team)
        self.assertEqual(self.detail().status_code, 403)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DRAFT)


class CreatePageTests(WorldTestCase):
    def test_from_the_template_and_empty(self):
        self.login(self.office)
        url = reverse("evaluations:create")
        self.assertEqual(self.client.get(url).status_code, 200)
        closes = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        response = self.client.post(url, {"title": "二〇二六年度述职评议", "meeting_date": "2026-12-28",
                                          "closes_at": closes, "unmarked_rule": "void",
                                          "template": "on"})
        made = Evaluation.objects.get()
        self.assertRedirects(response, reverse("evaluations:detail", args=[made.pk]))
        self.assertEqual((made.title, made.unmarked_rule), ("二〇二六年度述职评议", "void"))
        self.assertEqual(made.groups.count(), 2)
        self.client.post(url, {"title": "空白评议", "meeting_date": "2026-12-28",
                               "closes_at": closes, "unmarked_rule": "blank"})
        empty = Evaluation.objects.get(title="空白评议")
        self.assertFalse(empty.groups.exists())
        page = self.client.post(url, {"title": "评" * 4000, "meeting_date": "2026-12-28",
                                      "closes_at": closes, "unmarked_rule": "blank"})
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.context["form"].errors["title"])
        self.login(self.leader)
        self.assertEqual(self.client.get(url).status_code, 403)


class PaperPageTests(PageBase):
    def setUp(self):
        super().setUp()
        sessions.evaluation_open(actor=self.office, evaluation=self.evaluation)
        self.kind = self.evaluation.ballot_types.get(code="B")
        self.clerk2 = make_user("clerk2", "office", self.county)
        self.clerk3 = make_user("clerk3", "office", self.county)

    def marks(self, grade="fairly_good"):
        return {f"obj-{o.pk}": grade for g in self.evaluation.groups.all()
                for o in g.members.all()}

    def test_two_entries_and_a_resolution(self):
        response, said = self.post("paper", {"type": self.kind.pk, "number": "5",
                                             **self.marks()})
        self.assertRedirects(response, self.url("paper"))
        self.login(self.clerk2)
        self.post("paper", {"type": self.kind.pk, "number": "5", **self.marks("average")})
        sheet = self.evaluation.sheets.get(number=5)
        self.assertEqual(sheet.status, SheetStatus.MISMATCH)
        self.assertContains(self.detail(), self.url("resolve", sheet.pk))
        resolve = self.url("resolve", sheet.pk)
        page = self.client.post(resolve, self.marks())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, gettext("A clerk who entered this sheet cannot resolve it."))
        self.login(self.clerk3)
        self.assertEqual(self.client.get(resolve).status_code, 200)
        self.assertRedirects(self.client.post(resolve, self.marks()), self.url("detail"))
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, SheetStatus.RESOLVED)
        self.login(self.leader)
        self.assertEqual(self.client.get(resolve).status_code, 403)
        self.login(self.other_office)
        self.assertEqual(self.client.get(resolve).status_code, 404)

    def test_a_third_clerk_entering_a_disputed_sheet_is_sent_to_resolve_it(self):
        """#18 item 11: with three office accounts a dispute is settled; typing the disputed
        sheet in again adds no entry and leads to its resolution page."""
        self.post("paper", {"type": self.kind.pk, "number": "6", **self.marks()})
        self.login(self.clerk2)
        self.post("paper", {"type": self.kind.pk, "number": "6", **self.marks("average")})
        sheet = self.evaluation.sheets.get(number=6)
        self.login(self.clerk3)
        response = self.client.post(self.url("paper"), {"type": self.kind.pk, "number": "6",
                                                         **self.marks()})
        self.assertRedirects(response, self.url("resolve", sheet.pk))
        self.assertEqual(sheet.entries.count(), 2)
        self.assertRedirects(self.client.post(self.url("resolve", sheet.pk), self.marks()),
                             self.url("detail"))
        sheet.refresh_from_db()
        self.assertEqual((sheet.status, sheet.resolved_by), (SheetStatus.RESOLVED, self.clerk3))
        self.login(self.office)  # an entrant typing it in is told, and stays on the entry page
        _response, said = self.post("paper", {"type": self.kind.pk, "number": "6",
                                              **self.marks()})
        self.assertEqual(said, [gettext("This sheet is already counted.")])

    def test_bad_sheet_numbers(self):
        for number, message in (("", "Give the sheet number."), ("x" * 4000,
                                                               "Give the sheet number."),
                                ("99999999999999", "Give the sheet number."),
                                ("0", "Give the number printed on the sheet.")):
            _response, said = self.post("paper", {"type": self.kind.pk, "number": number,
                                                  **self.marks()})
            self.assertEqual(said, [gettext(message)], number)
        self.assertEqual(self.client.post(self.url("paper"), {"type": "x", "number": "1"})
                         .status_code, 404)
        self.assertFalse(self.evaluation.sheets.exists())
        ballots.paper_enter(actor=self.office, evaluation=self.evaluation, ballot_type=self.kind,
                            number=1, marks={})
        _response, said = self.post("paper", {"type": self.kind.pk, "number": "1"})
        self.assertEqual(said, [gettext("You have already entered this sheet; the second entry "
                                        "must be made by another clerk.")])
