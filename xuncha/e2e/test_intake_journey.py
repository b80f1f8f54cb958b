"""Issue 18, intake (items 1–3) as page flows: one team at two targets (一托二) published
before its stationing date. The office copies the contact channels from one target to the
other (never the first target's link or places); a citizen opens the notice, which says
intake has not opened yet, and reports through the target's code (the report reaches that
target's team); the office assigns a petition of its own queue to the inspection.

Screenshots at desktop (1280 px) and phone (390 px) widths in ``artifacts/e2e/``; every
distinct page goes through axe-core.
"""

from django.urls import reverse
from django.utils.translation import gettext, override

from xuncha.inspections.models import ChannelKind
from xuncha.inspections.moves import inspection_station
from xuncha.inspections.targets import channel_add, inspection_create
from xuncha.inspections.testing import approved_round, dates, staffed_team
from xuncha.petitions import intake as petitions
from xuncha.petitions.models import Petition, Route

from .base import BrowserTestCase, D, at

REPORT = ("反映东湖区教育局某科长在学校食堂承包招标中收受供应商红包礼金，"
          "并为其亲属经营的配送公司提供便利。")
OFFICE_LETTER = "反映教育局基建科长期让亲属承揽学校维修工程，工程款结算不透明，群众意见很大。"
BOX = "教育局一楼大厅意见箱"
RECEPTION = "教育局三楼接待室"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class IntakeJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        # Stationing on Wednesday 2026-03-25; the clock reads Friday 2026-03-20.
        team = staffed_team(self, approved_round(self))
        self.edu, self.town = inspection_create(actor=self.office, team=team,
                                                units=[self.unit_edu, self.township],
                                                data=dates(D(2026, 3, 25)))
        for kind, value in ((ChannelKind.PHONE, "0791-86001234"), (ChannelKind.ONLINE, ""),
                            (ChannelKind.SUGGESTION_BOX, BOX), (ChannelKind.VISIT, RECEPTION)):
            channel_add(actor=self.office, inspection=self.edu, data={
                "kind": kind, "value": value, "hours": "每天8:00—20:00"
                if kind == ChannelKind.PHONE else ""})
        channel_add(actor=self.office, inspection=self.town, data={
            "kind": ChannelKind.ONLINE, "value": ""})

    def both_sizes(self, page, step: str) -> None:
        """The step at desktop width (with axe), then at phone width."""
        self.check(page, step)
        page.set_viewport_size(PHONE)
        self.shot(page, f"{step}-phone")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["width"], f"{step}: the page scrolls sideways")
        page.set_viewport_size(DESKTOP)

    def text(self, msgid: str, **values: str) -> str:
        with override("zh-hans"):
            return gettext(msgid) % values if values else gettext(msgid)

    def test_published_before_stationing_copy_report_and_assign(self):
        office = self.page_for(self.office)

        # 复制联系方式: the township's page copies the education bureau's channels.
        office.goto(self.url("inspections:inspection_detail", self.town.pk))
        office.select_option("select[name=source]", str(self.edu.pk))
        self.submit(office, self.form_action("inspections:channels_copy", self.town.pk))
        self.both_sizes(office, "channels-copied")
        message = office.inner_text("main .messages")
        self.assertIn(self.text("%(count)d channel(s) copied.", count=1), message)
        self.assertIn(self.text("Not copied: the other target's online reporting link, "
                                "suggestion boxes and reception rooms (%(count)d), which "
                                "belong to that target; this target keeps its own.", count=3),
                      message)
        self.assertEqual(sorted(self.town.channels.values_list("kind", flat=True)),
                         sorted([ChannelKind.ONLINE, ChannelKind.PHONE]))

        # 动员会 notice published ahead of the stationing date (a move the inspection page
        # also offers; its own journey is elsewhere).
        for inspection in (self.edu, self.town):
            inspection_station(actor=self.office, inspection=inspection)

        # The citizen: the township's notice lists its own channels only …
        citizen = self.page_for(None)
        citizen.goto(self.url("public:notice", self.town.public_code))
        notice = citizen.inner_text("main")
        for other in (BOX, RECEPTION, self.edu.public_code):
            self.assertNotIn(other, notice)
        # … and the education bureau's says intake has not opened yet (not "closed").
        citizen.goto(self.url("public:notice", self.edu.public_code))
        self.both_sizes(citizen, "notice-not-yet-open")
        notice = citizen.inner_text("main")
        self.assertIn(self.text("Petition intake has not opened yet: it runs from %(start)s "
                                "to %(deadline)s.", start="2026年3月25日",
                                deadline="2026年5月4日"), notice)
        self.assertNotIn(self.text("Petition intake for this inspection is closed. Reports "
                                   "are passed to the regular petition office."), notice)
        report_path = reverse("public:report", args=[self.edu.public_code])
        with citizen.expect_navigation():
            citizen.click(f'main a[href$="{report_path}"]')
        citizen.fill("textarea[name=content]", REPORT)
        self.both_sizes(citizen, "report-form-not-yet-open")
        self.submit(citizen, "#report-form button[type=submit]")
        self.check(citizen, "receipt")
        reported = Petition.objects.get(channel="online")
        self.assertEqual((reported.inspection_id, reported.route), (self.edu.pk,
                                                                    Route.INSPECTION))

        # The team finds it in its own queue.
        team = self.page_for(self.team)
        team.goto(self.url("petitions:list"))
        self.assertIn(str(reported.pk), team.inner_text("main table"))
        self.both_sizes(team, "team-queue")

        # The office assigns a letter of its own queue (no inspection of the unit on site
        # yet) to the education bureau's inspection, with a reason.
        letter = petitions.petition_intake(actor=self.office, committee=self.county,
                                           channel="letter", content=OFFICE_LETTER,
                                           unit=self.unit_edu, received_at=at(D(2026, 3, 19)))
        self.assertEqual(letter.route, Route.OFFICE)
        office.goto(self.url("petitions:detail", letter.pk))
        office.select_option("select[name=inspection]", str(self.edu.pk))
        office.fill("#assign-reason", "反映对象为教育局基建科，属本次巡察范围")
        self.both_sizes(office, "assign-form")
        self.submit(office, self.form_action("petitions:assign_action", letter.pk))
        self.both_sizes(office, "assigned")
        letter.refresh_from_db()
        self.assertEqual((letter.inspection_id, letter.route), (self.edu.pk, Route.INSPECTION))
        team.goto(self.url("petitions:list"))
        self.assertIn(str(letter.pk), team.inner_text("main table"))
        self.assert_clean_browser()


class PickerJourneyTests(BrowserTestCase):
    """Items 13 and 14: the clue's cadre picker searches names, positions and units; the
    problem form's checkbox groups and multiple selects read naturally."""

    def test_cadre_picker_and_form_fields(self):
        from xuncha.findings.testing import on_site
        from xuncha.lib.testing import make_cadre

        inspection = on_site(self)
        for i in range(10):
            make_cadre(f"干部{i:02d}", self.unit_fin if i % 2 else self.unit_edu)
        first = make_cadre("林永刚", self.unit_edu, position="副局长")
        make_cadre("林永刚", self.unit_fin, position="科长")
        team = self.page_for(self.team)
        team.goto(self.url("findings:clue_create", inspection.pk))
        search = team.locator("#id_subject-search")
        search.fill("林永刚")
        shown = team.eval_on_selector_all(
            "select[name=subject] option", "os => os.filter(o => !o.hidden && o.value)"
            ".map(o => o.textContent)")
        self.assertEqual(sorted(shown), ["林永刚 · 副局长 · 东湖区教育局",
                                         "林永刚 · 科长 · 东湖区财政局"])
        search.fill("林永刚 教育")  # every word counts: name and unit
        search.press("Enter")
        self.assertEqual(team.input_value("select[name=subject]"), str(first.pk))
        self.assertTrue(team.locator(".picker-count").is_visible())
        self.check(team, "clue-cadre-picker")
        team.set_viewport_size(PHONE)
        self.shot(team, "clue-cadre-picker-phone")
        team.set_viewport_size(DESKTOP)

        team.goto(self.url("findings:problem_create", inspection.pk))
        self.check(team, "problem-form-fields")
        team.set_viewport_size(PHONE)
        self.shot(team, "problem-form-fields-phone")
        team.set_viewport_size(DESKTOP)
        hint = self.text("You can choose several: hold Ctrl (⌘ on a Mac) and click each one.")
        self.assertIn(hint, team.inner_text("main form"))

        # The interviewers: the group's label above, each box then its name on one line.
        team.goto(self.url("findings:activity_create", inspection.pk))
        legend = team.locator("fieldset.field-group > legend").first.bounding_box()
        box = team.locator("fieldset.field-group input[type=checkbox]").first.bounding_box()
        label = team.locator("fieldset.field-group label").first.bounding_box()
        assert legend and box and label
        self.assertLess(legend["y"] + legend["height"], box["y"] + 1)  # above
        self.assertLess(box["x"], label["x"] + label["width"] / 2)  # box first
        self.assertLess(label["height"], 2.5 * box["height"])  # one line
        self.check(team, "activity-form-checkbox-group")
        team.set_viewport_size(PHONE)
        self.shot(team, "activity-form-checkbox-group-phone")
        team.set_viewport_size(DESKTOP)
        self.assert_clean_browser()

    def text(self, msgid: str) -> str:
        with override("zh-hans"):
            return gettext(msgid)
