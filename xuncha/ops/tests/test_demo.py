import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.organizations.models import Committee, Unit, UnitKind


class DemoTests(TestCase):
    def test_demo_loads_once_and_prints_logins(self):
        call_command("seed_demo", stdout=io.StringIO())
        self.assertEqual(Committee.objects.count(), 7)
        self.assertEqual(Committee.objects.filter(level="county").count(), 4)
        self.assertTrue(Unit.objects.filter(kind=UnitKind.VILLAGE).count() >= 36)
        units_before = Unit.objects.count()
        out = io.StringIO()
        call_command("seed_demo", "--if-empty", stdout=out)
        self.assertEqual(Unit.objects.count(), units_before)
        out = io.StringIO()
        call_command("demo_logins", stdout=out)
        lines = out.getvalue().strip().splitlines()
        roles = {line.split()[0] for line in lines}
        self.assertTrue({"office", "leadership", "team", "liaison", "receiver",
                         "oversight"} <= roles)
        for line in lines:
            role, username, password = line.split()
            self.assertTrue(User.objects.get(username=username).check_password(password))
        # Each demo role can sign in and open its home page.
        for line in lines:
            _role, username, password = line.split()
            self.client.post(reverse("accounts:login"), {"username": username,
                                                         "password": password})
            self.assertEqual(self.client.get(reverse("web:home")).status_code, 200, username)
            self.client.post(reverse("accounts:logout"))
        county_office = User.objects.get(username="dh_office")
        qx = Committee.objects.get(code="JZ-LJ-QX")
        self.client.force_login(county_office)
        listing = self.client.get(reverse("organizations:unit_list"), {"committee": qx.pk})
        self.assertFalse(any(u.committee_id == qx.pk for u in listing.context["page"]))
