"""One inspection from plan to close, in which every role finds its next step from its own
home page (issue 16): after signing in, each person only clicks — the to-do lead on the
home page or the top bar's count, the item's link, the action's form — and never types an
address.

At every hand-over the test checks, through the same reads as the pages
(``xuncha.todo.selectors.todo_for``), that the step shows for exactly the people who may
take it (nobody of another team, committee or role) and that it leaves every list once it
is taken. The forming of the team and its target, which no to-do item asks for, goes
through the services (the planning pages are the other journeys'); the clock is moved
with ``travel()`` between the stages of the cycle. Screenshots at the hand-overs go to
``artifacts/e2e/todo_journey-*.png``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import translation

from xuncha.accounts.roles import Role
from xuncha.inspections.models import InspectionStatus, Round, TeamPosition
from xuncha.inspections.targets import channel_add, inspection_create
from xuncha.inspections.teams import member_add, team_create
from xuncha.inspections.testing import dates, sign_pledges
from xuncha.lib.testing import make_user
from xuncha.todo.selectors import todo_count, todo_for

from .base import BrowserTestCase, D, at

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: Everyone who could wrongly hold a step: the world's personas and the deputy leader.
PEOPLE = ("office", "office2", "custodian", "leader", "team", "team_b", "deputy", "liaison",
          "receiver", "receiver_org", "oversight", "city_office", "other_office",
          "other_team", "other_liaison", "platform")
#: County A's office, a body: its steps wait on each of its accounts.
OFFICE = {"office", "office2", "custodian"}
#: The team's leader and deputy leader (its leads).
LEADS = {"team", "deputy"}
#: The bodies that review a rectification plan (巡察办, 纪委监委, 组织部).
REVIEWERS = {"office": "office", "receiver": "discipline", "receiver_org": "organization"}


class TodoJourneyTests(BrowserTestCase):
    START = at(D(2026, 3, 2), 9)

    def setUp(self):
        super().setUp()
        # insp_a2 is the team's deputy leader (the team meeting's approval of a problem).
        self.deputy = make_user("deputy", Role.TEAM, self.county, inspector=self.insp_a2)
        self.pages: dict[str, Page] = {}
        #: The kinds of step the journey handed over (checked again at the end).
        self.walked: set[str] = set()

    # --- who holds what ---------------------------------------------------------------------

    def person(self, name: str):
        return getattr(self, name)

    def keys_of(self, name: str) -> set[str]:
        user = self.person(name)
        user.refresh_from_db()
        keys = {item.key for item in todo_for(user=user)}
        self.assertEqual(todo_count(user=user), len(keys), f"{name}: the count disagrees")
        return keys

    def holders(self, key: str) -> set[str]:
        return {name for name in PEOPLE if key in self.keys_of(name)}

    def handover(self, key: str, expected: set[str]) -> None:
        """``key`` waits on exactly ``expected`` (nobody else of any team, body or role)."""
        self.walked.add(key.split(":", 1)[0])
        self.assertEqual(self.holders(key), expected, f"who holds {key}")

    def taken(self, key: str) -> None:
        """The step was taken: it left every list."""
        self.assertEqual(self.holders(key), set(), f"{key} is still listed")

    # --- the browser ------------------------------------------------------------------------

    def page(self, name: str) -> Page:
        if name not in self.pages:
            self.pages[name] = self.page_for(self.person(name))
        return self.pages[name]

    def home(self, name: str) -> Page:
        page = self.page(name)
        with page.expect_navigation():
            page.click("header a.brand")
        return page

    def open_step(self, name: str, key: str, *, via: str = "home", shot: bool = False) -> Page:
        """From the home page: the to-do lead's link to the step (``via="bar"``: the top
        bar's count, then the item's row on the to-do page); lands on the step's page."""
        user = self.person(name)
        with translation.override("zh-hans"):
            item = next((i for i in todo_for(user=user) if i.key == key), None)
        self.assertIsNotNone(item, f"{name} has no {key} in the to-do")
        assert item is not None
        page = self.home(name)
        if shot:
            self.shot(page, f"{name}-home")
        link = page.locator(f'main .todo-panel a[href="{item.url}"]', has_text=item.label)
        if via == "bar" or not link.count():
            badge = page.locator("header a.bell.todo .badge")
            self.assertTrue(badge.count() and int(badge.inner_text()) >= 1,
                            f"{name}: the top bar shows no count")
            with page.expect_navigation():
                page.click("header a.bell.todo")
            link = page.locator(f'main #results a[href="{item.url}"]', has_text=item.label)
        self.assertGreaterEqual(link.count(), 1, f"{name}: no link to {key} ({item.label})")
        with page.expect_navigation():
            link.first.click()
        self.assertEqual(page.url.split("?")[0].split("#")[0], self.live_server_url + item.url)
        return page

    def fill(self, page: Page, form: str, values: dict[str, str]) -> None:
        for name, value in values.items():
            field = page.locator(f"{form} [name={name}]").first
            tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if tag.startswith("select"):
                field.select_option(value)
            elif tag.endswith(":radio"):
                page.check(f"{form} [name={name}][value='{value}']")
            elif tag.endswith(":checkbox"):
                page.check(f"{form} [name={name}]")
            else:
                field.fill(value)

    def post(self, page: Page, name: str, *args, form_values: dict[str, str] | None = None,
             formaction: bool = False) -> None:
        """Fill and send the form that posts to the URL ``name`` on the current page."""
        path = reverse(name, args=args)
        form = (f'form:has(button[formaction="{path}"])' if formaction
                else f'form[action="{path}"]')
        details = page.locator(f"details:has({form}) > summary")
        if details.count() and not page.locator(form).first.is_visible():
            details.first.click()
        if form_values:
            self.fill(page, form, form_values)
        self.submit(page, self.form_action(name, *args))

    # --- the journey ------------------------------------------------------------------------

    def test_todo_journey(self):
        county = self.county
        # 1. The office plans the round (the menu: nothing waits on anyone yet) and submits it.
        office = self.home("office")
        with office.expect_navigation():
            office.click(f'nav a[href="{reverse("inspections:round_list")}"]')
        with office.expect_navigation():
            office.click(f'main a[href="{reverse("inspections:round_create")}"]')
        self.fill(office, "main form.form", {"kind": "regular", "planned_start": "2026-03-09",
                                             "planned_end": "2026-06-30",
                                             "note": "对区教育局等单位开展常规巡察。"})
        self.submit(office, "main form.form button[type=submit]")
        the_round = Round.objects.get(committee=county)
        self.submit(office, self.form_action("inspections:round_submit", the_round.pk))
        self.shot(office, "office-round-submitted")

        # 2. The leading group approves it, from its home page.
        key = f"round_approval:{the_round.pk}"
        self.handover(key, {"leader"})
        leader = self.open_step("leader", key, shot=True)
        self.shot(leader, "leader-round-approval")
        self.post(leader, "inspections:round_approve", the_round.pk, formaction=True)
        self.taken(key)

        # 3. The office forms the team and its target (services: no step asks for it); the
        #    notice to the unit and the stationing then wait on the office and the leader.
        team = team_create(actor=self.office, round=the_round)
        for inspector, position in ((self.insp_a1, TeamPosition.LEADER),
                                    (self.insp_a2, TeamPosition.DEPUTY),
                                    (self.insp_a3, TeamPosition.MEMBER)):
            member_add(actor=self.office, team=team, inspector=inspector, position=position)
        sign_pledges(self, team)  # the integrity pledges, recorded from paper (xuncha/teamwork)
        inspection = inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                       data=dates(D(2026, 3, 16)) | {"notified_on": None})[0]
        for kind, value in (("phone", "0791-86001234"), ("online", "")):
            channel_add(actor=self.office, inspection=inspection,
                        data={"kind": kind, "value": value})
        pk = inspection.pk
        notice = f"target_notice:{pk}"
        self.handover(notice, OFFICE | LEADS)
        page = self.open_step("office", notice)
        self.fill(page, "main form.form", {"notified_on": "2026-03-05"})
        self.submit(page, "main form.form button[type=submit]")
        self.taken(notice)

        self.travel(at(D(2026, 3, 16), 9))
        stationing = f"stationing:{pk}"
        self.handover(stationing, OFFICE | LEADS)
        page = self.open_step("team", stationing)
        self.shot(page, "team-stationing")
        self.post(page, "inspections:inspection_station", pk)
        self.taken(stationing)
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, InspectionStatus.STATIONED)

        onsite = f"onsite_start:{pk}"
        self.handover(onsite, OFFICE | LEADS)
        page = self.open_step("office", onsite)
        self.post(page, "inspections:inspection_begin_onsite", pk)
        self.taken(onsite)

        # 4. The team registers a phone petition (the menu), triages it from its to-do and
        #    records the problem it shows; the deputy approves, the leader signs.
        team_page = self.home("team")
        with team_page.expect_navigation():
            team_page.click(f'nav a[href="{reverse("petitions:intake")}"]')
        self.fill(team_page, "main form", {
            "channel": "phone", "received_at": "2026-03-16T08:30",
            "inspection": str(pk),
            "content": "反映东湖区教育局某科长在学校食堂承包招标中收受供应商红包礼金。"})
        self.submit(team_page, "main form button[type=submit].primary")
        petition = inspection.petitions.get()
        triage = f"petition_triage:{petition.pk}"
        self.handover(triage, OFFICE | {"team", "deputy"})
        page = self.open_step("team", triage)
        self.post(page, "petitions:accept_action", petition.pk,
                  form_values={"category": "integrity", "note": "列入重点核查。"})
        self.taken(triage)

        page = self.home("team")
        with page.expect_navigation():
            page.click(f'main a[href="{reverse("inspections:inspection_detail", args=[pk])}"]'
                       " >> nth=0")
        with page.expect_navigation():
            page.click(f'main a[href="{reverse("findings:problem_create", args=[pk])}"]')
        page.fill("input[name=title]", "收受供应商红包礼金")
        page.select_option("select[name=category]", label="党的作风建设")
        page.fill("textarea[name=manifestation]", "某科长收受供应商红包礼金2万元。")
        page.check(f"input[name=petitions][value='{petition.pk}']")
        self.submit(page, "main form.form button[type=submit]")
        problem = inspection.problems.get()
        # The team meeting's approval asks no one in particular: the deputy finds the draft
        # on the inspection's page (the menu, the inspection, the problem).
        deputy = self.home("deputy")
        for link in (reverse("inspections:inspection_list"),
                     reverse("inspections:inspection_detail", args=[pk]),
                     reverse("findings:problem_detail", args=[problem.pk])):
            with deputy.expect_navigation():
                deputy.click(f'a[href="{link}"] >> nth=0')
        deputy.fill("textarea[name=opinion]", "经组务会研究，同意列入问题底稿。")
        self.submit(deputy, self.form_action("findings:problem_team_approve", problem.pk))
        signature = f"problem_signature:{problem.pk}"
        self.handover(signature, {"team"})
        page = self.open_step("team", signature)
        self.post(page, "findings:problem_sign", problem.pk)
        self.taken(signature)
        self.shot(page, "team-problem-signed")

        # 5. After the on-site period the office moves to reporting; the leader drafts the
        #    main report; the office returns it once, then accepts; the leading group
        #    approves.
        self.travel(at(D(2026, 5, 4), 9))
        reporting = f"reporting_start:{pk}"
        self.handover(reporting, OFFICE | LEADS)
        page = self.open_step("office", reporting)
        self.post(page, "inspections:inspection_begin_reporting", pk)
        self.taken(reporting)

        draft = f"draft_main_report:{pk}"
        self.handover(draft, {"team", "deputy"})
        page = self.open_step("team", draft)
        create = f'form[action="{reverse("findings:report_create", args=[pk])}"]'
        page.select_option(f"{create} select[name=kind]", "main")
        self.submit(page, self.form_action("findings:report_create", pk))
        report = inspection.reports.get()
        self.taken(draft)
        edit = f'form[action="{reverse("findings:report_edit", args=[report.pk])}"]'
        page.fill(f"{edit} textarea[name=summary]", "巡察期间个别谈话32人次，受理信访举报1件。")
        page.fill(f"{edit} textarea[name=conclusion]", "建议被巡察单位党组织切实扛起整改主体责任。")
        self.submit(page, f"{edit} button[type=submit]")
        self.post(page, "findings:report_submit", report.pk)

        review = f"report_review:{report.pk}"
        self.handover(review, OFFICE)
        page = self.open_step("office", review)
        self.post(page, "findings:report_return", report.pk, formaction=True,
                  form_values={"comment": "问题定性依据不足，请补充后重新报送。"})
        self.taken(review)
        redraft = f"redraft_report:{report.pk}"
        self.handover(redraft, {"team", "deputy"})
        page = self.open_step("team", redraft)
        self.shot(page, "team-report-returned")
        self.post(page, "findings:report_edit", report.pk, form_values={
            "summary": "巡察期间个别谈话32人次，调阅资料86卷，受理信访举报1件，已补充定性依据。"})
        self.post(page, "findings:report_submit", report.pk)
        self.taken(redraft)

        self.handover(review, OFFICE)
        page = self.open_step("office2", review, via="bar")
        self.post(page, "findings:report_accept", report.pk, formaction=True,
                  form_values={"comment": "问题定性准确，同意报送。"})
        self.taken(review)
        approval = f"report_approval:{report.pk}"
        self.handover(approval, {"leader"})
        page = self.open_step("leader", approval)
        self.post(page, "findings:report_approve", report.pk)
        self.taken(approval)

        # 6. The feedback to the unit.
        self.travel(at(D(2026, 5, 11), 9))
        feedback = f"feedback:{pk}"
        self.handover(feedback, OFFICE | LEADS)
        page = self.open_step("office", feedback)
        page.fill("textarea[name=opinion]", "巡察组向区教育局党组反馈了巡察发现的问题。")
        self.submit(page, "main form.form button[type=submit]")
        self.taken(feedback)
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, InspectionStatus.FEEDBACK)

        # 7. The liaison submits the plan; each reviewing body reviews it; the office
        #    returns it; the liaison resubmits; all review again; the office approves.
        submission = f"plan_submission:{pk}"
        self.handover(submission, {"liaison"})
        page = self.open_step("liaison", submission, shot=True)
        self.shot(page, "liaison-plan")
        plan_values = {"text": "一、总体要求……\n二、整改任务……",
                       "principal_name": "区教育局党组书记",
                       "principal_email": "jyj-sj@example.gov.cn"}
        self.post(page, "rectification:plan_submit", pk, form_values=plan_values)
        self.taken(submission)
        plan = inspection.rectification_plan

        def reviews():
            for name, side in REVIEWERS.items():
                key = f"plan_review:{plan.pk}:{side}"
                holders = OFFICE if side == "office" else {name}
                self.handover(key, holders)
                page = self.open_step(name, key)
                self.post(page, "rectification:plan_review", pk,
                          form_values={"complete": "on", "feasible": "on"})
                self.taken(key)

        reviews()
        decision = f"plan_decision:{plan.pk}"
        self.handover(decision, OFFICE)
        page = self.open_step("office", decision)
        self.post(page, "rectification:plan_return", pk, formaction=True,
                  form_values={"note": "整改措施未明确责任人和时限，请修改后重新报送。"})
        self.taken(decision)
        resubmission = f"plan_resubmission:{plan.pk}"
        self.handover(resubmission, {"liaison"})
        page = self.open_step("liaison", resubmission)
        self.assertIn("请修改后重新报送", page.inner_text("main"))
        self.post(page, "rectification:plan_submit", pk, form_values={
            "text": "一、总体要求……\n二、整改任务（已明确责任人和时限）……"})
        self.taken(resubmission)
        reviews()
        page = self.open_step("office", decision)
        self.post(page, "rectification:plan_approve", pk, formaction=True,
                  form_values={"note": "同意。"})
        self.taken(decision)
        self.shot(page, "office-plan-approved")

        # 8. The ledger: the liaison adds a measure and its evidence and marks it done; a
        #    verifier of the office closes it (销号).
        page = self.home("liaison")
        with page.expect_navigation():
            page.click(f'main a[href="{reverse("rectification:overview", args=[pk])}"] >> nth=0')
        self.post(page, "rectification:measure_add", pk, form_values={
            "problem": str(problem.pk), "text": "全额退缴，修订招标管理办法。",
            "responsible_leader": "王建国", "responsible_department": "财务科"})
        measure = inspection.measures.get()
        evidence = f"measure_evidence:{measure.pk}"
        self.handover(evidence, {"liaison"})
        page = self.open_step("liaison", evidence)
        form = f'form[action="{reverse("rectification:measure_evidence", args=[measure.pk])}"]'
        page.set_input_files(f"{form} input[name=file]", files=[{
            "name": "退缴凭证.pdf", "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n% xuncha e2e evidence\n%%EOF\n"}])
        self.submit(page, f"{form} button[type=submit]")
        self.taken(evidence)
        self.post(page, "rectification:measure_done", measure.pk)
        verification = f"measure_verification:{measure.pk}"
        self.handover(verification, OFFICE | {"receiver"})
        page = self.open_step("office", verification)
        self.post(page, "rectification:measure_close", measure.pk, formaction=True,
                  form_values={"note": "经核查退缴凭证，整改到位，同意销号。"})
        self.taken(verification)

        # 9. A month on, the rectification report: the liaison submits, the office accepts.
        self.travel(at(D(2026, 6, 15), 9))
        report_step = f"rectification_report_submission:{pk}"
        self.handover(report_step, {"liaison"})
        page = self.open_step("liaison", report_step)
        self.post(page, "rectification:report_submit", pk, form_values={
            "text": "整改报告：问题已全部整改到位。", "principal_text": "主要负责人组织落实整改情况的报告。"})
        self.taken(report_step)
        rect_report = inspection.rectification_reports.get()
        acceptance = f"rectification_report_review:{rect_report.pk}"
        self.handover(acceptance, OFFICE)
        page = self.open_step("office", acceptance)
        self.post(page, "rectification:report_accept", pk, formaction=True, form_values={
            "main_problems_solved": "yes", "transfers_handled": "yes", "grade": "good"})
        self.taken(acceptance)

        # 10. The public notice, the follow-up, the closing.
        notice_step = f"notice:{pk}"
        self.handover(notice_step, OFFICE)
        page = self.open_step("office", notice_step)
        # The notice names each problem by its public wording: the office writes it, and
        # another of the office (not its writer) approves it from the to-do.
        self.post(page, "rectification:wording_write", pk, problem.pk,
                  form_values={"text": "违规收受供应商礼金问题"})
        wording = problem.public_wording
        approval = f"wording_approval:{wording.pk}"
        self.handover(approval, OFFICE - {"office"})
        page = self.open_step("office2", approval)
        self.post(page, "rectification:wording_approve", pk, problem.pk)
        self.taken(approval)
        page = self.open_step("office", notice_step)
        self.post(page, "rectification:notice_publish", pk, form_values={
            "title": "区教育局党组关于巡察整改进展情况的通报", "body": "整改进展情况如下……"})
        self.taken(notice_step)
        follow_up = f"follow_up:{pk}"
        self.handover(follow_up, OFFICE | {"receiver", "receiver_org"})
        page = self.open_step("receiver_org", follow_up)
        self.post(page, "rectification:follow_up", pk, form_values={
            "kind": "visit", "held_on": "2026-06-15", "findings": "整改到位。"})
        self.taken(follow_up)
        closing = f"inspection_closing:{pk}"
        self.handover(closing, OFFICE)
        page = self.open_step("office", closing)
        self.post(page, "rectification:inspection_close", pk)
        self.taken(closing)
        self.shot(page, "office-closed")
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, InspectionStatus.CLOSED)
        # No step of the cycle is left on anyone's to-do (steps of other apps after the
        # closing, e.g. the team's appraisal, are theirs).
        left = {name: sorted(k for k in self.keys_of(name) if k.split(":", 1)[0] in self.walked)
                for name in PEOPLE}
        self.assertEqual({n: k for n, k in left.items() if k}, {})
        self.assert_clean_browser()
