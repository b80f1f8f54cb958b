"""The bench's to-do figures: choosing figures (``--only``) and the roof views."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.testing import WorldTestCase
from xuncha.ops.bench import roofs
from xuncha.todo.selectors import todo_for


class BenchOnlyTests(WorldTestCase):
    def test_an_unknown_group_of_figures_is_refused_before_anything_runs(self):
        with self.assertRaises(CommandError) as ctx:
            call_command("bench", "--only", "todo,speed")
        self.assertIn("speed", str(ctx.exception))
        self.assertIn("todo", str(ctx.exception))

    def test_the_roofs_answer_the_persons_own_items_only(self):
        stationed_inspection(self)
        factory = RequestFactory()
        request = factory.get("/_bench/todo/")
        request.user = self.office
        body = roofs.todo_roof(request).content.decode()
        self.assertEqual(body.split("\n"), [i.key for i in todo_for(user=self.office)][:50])
        request = factory.get("/_bench/bare/", {"count": "1"})
        request.user = self.office
        self.assertEqual(roofs.bare(request).content.decode(),
                         str(len(todo_for(user=self.office))))
        request = factory.get("/_bench/todo/")
        request.user = AnonymousUser()
        self.assertEqual(roofs.todo_roof(request).status_code, 302)
        request.user = self.platform
        with self.assertRaises(PermissionDenied):
            roofs.todo_roof(request)
