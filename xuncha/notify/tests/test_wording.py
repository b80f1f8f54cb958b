"""Words that once shared one translation: a chat group's name is not an evaluation's group
(组别), and "you" / "your body" / "my body's" read differently."""

from django.test import SimpleTestCase
from django.utils import translation

from xuncha.evaluations.forms import GroupForm
from xuncha.inspections.models import Team
from xuncha.notify.forms import WebhookForm
from xuncha.todo.api import TodoOut
from xuncha.todo.selectors import SHOW


class WordingTests(SimpleTestCase):
    def test_the_robot_forms_group_is_a_chat_groups_name(self):
        with translation.override("zh-hans"):
            robot = str(WebhookForm(teams=Team.objects.none()).fields["name"].label)
            evaluation = str(GroupForm().fields["name"].label)
        self.assertEqual(robot, translation.pgettext("chat group", "Group name"))
        self.assertNotEqual(robot, evaluation)
        with translation.override("en"):
            self.assertEqual(str(WebhookForm(teams=Team.objects.none()).fields["name"].label),
                             "Group name")

    def test_whose_step_reads_differently_in_the_filter_and_the_rows(self):
        with translation.override("zh-hans"):
            texts = {str(SHOW["mine"]), str(SHOW["body"]),
                     TodoOut.resolve_mine_text(type("I", (), {"mine": True})()),
                     TodoOut.resolve_mine_text(type("I", (), {"mine": False})())}
        self.assertEqual(len(texts), 4, texts)
