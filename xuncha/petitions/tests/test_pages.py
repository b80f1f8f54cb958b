"""The staff pages: intake with several persons reported, the list and detail pages with
bounded queries, the home panel, the inspection panel and the menu."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xuncha.petitions import identity, intake, triage
from xuncha.petitions.models import Petition, PetitionAttachment

from .base import NEAR, TEXT, D, PetitionBase, at, real_pdf


def formset(*rows, prefix="subjects", total=3):
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "10"}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


class IntakePageTests(PetitionBase):
    def test_office_records_a_letter_with_two_persons_and_a_scan(self):
        self.login(self.office)
        self.assertEqual(self.client.get(reverse("petitions:intake")).status_code, 200)
        response = self.client.post(reverse("petitions:intake"), formset(
            {"name": "张某", "position": "科长", "unit": self.unit_edu.pk},
            {"name": "李某", "unit_name": "某配送公司"}) | {
            "channel": "letter", "received_at": "2026-03-19T09:30", "unit": self.unit_edu.pk,
            "content": TEXT, "reporter_name": "王小明", "reporter_phone": "13812345678",
            "attachments": SimpleUploadedFile("scan.pdf", real_pdf())})
        petition = Petition.objects.get()
        self.assertRedirects(response, reverse("petitions:detail", args=[petition.pk]))
        self.assertEqual((petition.channel, petition.received_at, petition.inspection,
                          petition.reporter_name_masked),
                         ("letter", at(D(2026, 3, 19), 9, 30), self.inspection, "王**"))
        self.assertEqual(list(petition.subjects.values_list("name", "unit_id")),
                         [("张某", self.unit_edu.pk), ("李某", None)])
        self.assertEqual(PetitionAttachment.objects.get().content_type, "application/pdf")

    def test_errors_come_back_on_the_form(self):
        self.login(self.office)
        response = self.client.post(reverse("petitions:intake"), formset() | {
            "channel": "box", "received_at": "2026-03-19T09:30", "content": TEXT})
        self.assertTrue(response.context["form"].errors["box_location"])
        self.assertEqual(Petition.objects.count(), 0)

    def test_a_team_member_records_for_the_team(self):
        self.login(self.team)
        page = self.client.get(reverse("petitions:intake"))
        self.assertEqual(page.context["form"].initial["inspection"], self.inspection)
        self.assertEqual(list(page.context["form"].fields["unit"].queryset), [self.unit_edu])
        self.client.post(reverse("petitions:intake"), formset() | {
            "channel": "visit", "received_at": "2026-03-20T09:00",
            "inspection": self.inspection.pk, "content": TEXT})
        self.assertEqual(Petition.objects.get().created_by, self.team)


class QueryCountTests(PetitionBase):
    def test_list_page_queries_do_not_grow_with_rows(self):
        self.login(self.office)
        url = reverse("petitions:list")
        for _i in range(3):
            self.intake()
        self.client.get(url)  # warm the session
        # 7: one of them finds which flagged possible duplicates the reader may open
        with self.assertNumQueries(7):
            self.client.get(url, {"channel": "phone", "status": "new"})
        for _i in range(20):
            self.intake(unit=self.unit_fin)
        with self.assertNumQueries(7):
            response = self.client.get(url, {"channel": "phone", "status": "new"})
        self.assertEqual(len(response.context["page"]), 23)

    def detail_queries(self, petition) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("petitions:detail", args=[petition.pk]))
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_detail_page_queries_are_bounded(self):
        self.login(self.team)
        simple = self.intake()
        busy, _receipt = self.submit(NEAR, subjects=[{"name": f"人{i}"} for i in range(5)],
                                     reporter=identity.Reporter(name="王小明"))
        triage.suggestion_for(busy)
        for i in range(4):
            triage.petition_ask(actor=self.team, petition=busy, text=f"问题{i}")
            intake.reporter_add(petition=busy, text=f"回答{i}")
        identity.reveal_request(actor=self.team, petition=busy, reason="需要当面核实举报材料")
        self.intake(NEAR)
        self.detail_queries(simple)  # warm the session
        baseline = self.detail_queries(simple)
        # 20, and the opening's audit event (on PostgreSQL: the chain's lock, its head, the row).
        self.assertLessEqual(baseline, 23)
        self.assertLessEqual(self.detail_queries(busy), baseline + 3)


class ShellTests(PetitionBase):
    def test_home_panel_and_menu(self):
        self.intake()
        request = identity.reveal_request(actor=self.team, petition=self.intake(
            reporter=identity.Reporter(name="王小明")), reason="需要当面核实举报材料")
        self.login(self.custodian)
        home = self.client.get(reverse("web:home"))
        panel = next(p for p in home.context["panels"] if p["template"] ==
                     "petitions/_home_panel.html")
        self.assertEqual((panel["new"], panel["total"], panel["pending_reveals"]), (2, 2, 1))
        self.assertContains(home, reverse("petitions:reveal_list"))
        self.assertContains(home, reverse("petitions:list"))
        self.login(self.liaison)
        home = self.client.get(reverse("web:home"))
        self.assertNotContains(home, reverse("petitions:list"))
        self.assertEqual(request.status, "pending")

    def test_inspection_page_has_a_petitions_panel(self):
        self.intake()
        triage.petition_accept(actor=self.team, petition=self.intake(), category="work")
        self.login(self.team)
        page = self.client.get(reverse("inspections:inspection_detail",
                                       args=[self.inspection.pk]))
        section = next(s for s in page.context["sections"]
                       if s["template"] == "petitions/_inspection_section.html")
        self.assertEqual((section["total"], [(c["status"], c["n"]) for c in section["counts"]]),
                         (2, [("new", 1), ("accepted", 1)]))
        self.login(self.liaison)
        page = self.client.get(reverse("inspections:inspection_detail",
                                       args=[self.inspection.pk]))
        self.assertFalse(any(s["template"] == "petitions/_inspection_section.html"
                             for s in page.context["sections"]))


class SubjectRowTests(PetitionBase):
    def test_a_row_without_a_name_is_an_error_not_a_silent_loss(self):
        self.login(self.office)
        response = self.client.post(reverse("petitions:intake"), formset(
            {"position": "科长"}) | {"channel": "phone", "received_at": "2026-03-19T09:30",
                                    "unit": self.unit_edu.pk, "content": TEXT})
        self.assertTrue(response.context["subjects"].forms[0].errors["name"])
        self.assertEqual(Petition.objects.count(), 0)
