"""Issue 18, items 13 and 14: searchable pickers that tell cadres, units and inspectors apart,
and form fields that read naturally (checkbox groups, the hint on multiple selects)."""

import re

from django import forms
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from xuncha.findings.testing import on_site
from xuncha.lib.testing import WorldTestCase, make_cadre
from xuncha.organizations.models import Cadre, Inspector
from xuncha.web.widgets import (
    CADRE,
    INSPECTOR,
    PickerChoiceField,
    PickerMultipleChoiceField,
    describe,
)


class PickerTests(WorldTestCase):
    def test_two_cadres_of_one_name_are_told_apart_by_position_and_unit(self):
        first = make_cadre("林永刚", self.unit_edu, position="副局长")
        second = make_cadre("林永刚", self.unit_fin, position="科长")
        field = PickerChoiceField(queryset=Cadre.objects.filter(name="林永刚"), describe=CADRE)
        labels = dict((value.value, label) for value, label in field.choices if value)
        self.assertEqual(labels, {first.pk: "林永刚 · 副局长 · 东湖区教育局",
                                  second.pk: "林永刚 · 科长 · 东湖区财政局"})

    def test_the_choices_are_read_in_one_query_with_their_units(self):
        for i in range(12):
            make_cadre(f"干部{i}", self.unit_edu if i % 2 else self.unit_fin)
        field = PickerMultipleChoiceField(queryset=Cadre.objects.all(), describe=CADRE)
        with CaptureQueriesContext(connection) as queries:
            html = field.widget.render("persons", None)
        self.assertEqual(len(queries), 1)
        self.assertIn("data-picker", html)
        self.assertIn(f'data-picker-search="{gettext("Type to search the list")}"', html)
        self.assertIn("干部1 · 科员 · 东湖区教育局", html)

    def test_an_inspector_is_named_with_the_cadre_behind_the_record(self):
        inspector = Inspector.objects.select_related("cadre__unit").first()
        self.assertEqual(describe(inspector, INSPECTOR), " · ".join(
            [inspector.cadre.name, inspector.cadre.position, inspector.cadre.unit.name]))

    def test_the_clue_form_offers_cadres_with_unit_and_position(self):
        inspection = on_site(self)
        make_cadre("林永刚", self.unit_edu, position="副局长")
        make_cadre("林永刚", self.unit_fin, position="科长")
        self.client.force_login(self.team)
        page = self.client.get(reverse("findings:clue_create", args=[inspection.pk]))
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn("林永刚 · 副局长 · 东湖区教育局", html)
        self.assertIn("林永刚 · 科长 · 东湖区财政局", html)
        self.assertRegex(html, r'<select name="subject"[^>]*data-picker')
        self.assertIn("xuncha/js/picker.js", html)
        self.assertNotRegex(html, r"<script>(?!</script>)|<script(?![^>]*src=)[^>]*>")


class GroupForm(forms.Form):
    duties = forms.MultipleChoiceField(label="分工", choices=[("a", "谈话"), ("b", "调阅")],
                                       widget=forms.CheckboxSelectMultiple, required=False)
    pick = forms.MultipleChoiceField(label="多选", choices=[("a", "甲"), ("b", "乙")],
                                     required=False)
    agree = forms.BooleanField(label="同意", required=False)


class FieldLayoutTests(WorldTestCase):
    def render(self) -> str:
        return render_to_string("web/_form.html", {"form": GroupForm()})

    def test_a_checkbox_group_has_its_label_above_and_each_box_before_its_label(self):
        html = self.render()
        group = re.search(r'<fieldset class="field field-group">(.*?)</fieldset>', html, re.S)
        self.assertIsNotNone(group)
        body = group.group(1)
        self.assertRegex(body, r"^\s*<legend>分工")  # the group's label first, above
        self.assertRegex(body, r'<label for="id_duties_0"><input type="checkbox"[^>]*>\s*谈话')
        self.assertNotIn("field-check", re.search(r'<fieldset.*?</fieldset>', html,
                                                  re.S).group(0))

    def test_a_single_checkbox_reads_box_then_label(self):
        html = self.render()
        self.assertRegex(html, r'field-check">\s*<input type="checkbox" name="agree"[^>]*>\s*'
                               r'<label for="id_agree">同意')

    def test_a_multiple_select_says_how_to_choose_several(self):
        html = self.render()
        hint = gettext("You can choose several: hold Ctrl (⌘ on a Mac) and click each one.")
        self.assertEqual(html.count(hint), 1)
        self.assertLess(html.index('name="pick"'), html.index(hint))

    def test_tags_never_wrap_inside(self):
        from django.contrib.staticfiles import finders

        css = open(finders.find("xuncha/css/app.css"), encoding="utf-8").read()
        rule = re.search(r"\n\.tag \{([^}]*)\}", css).group(1)
        self.assertIn("white-space: nowrap", rule)  # 已销号 on one line in narrow columns
