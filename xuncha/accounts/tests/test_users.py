from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.audit.models import Event
from xuncha.lib.testing import WorldTestCase


class UserAdminTests(WorldTestCase):
    def create(self, **data):
        payload = {"username": "new_team", "display_name": "新队员", "role": Role.TEAM,
                   "committee": self.county.pk, "inspector": self.insp_a2.pk,
                   "is_active": "on"} | data
        return self.client.post(reverse("accounts:user_create"), payload)

    def test_office_admin_creates_an_account_in_own_committee(self):
        self.login(self.office)
        response = self.create()
        self.assertEqual(response.status_code, 200)
        user = User.objects.get(username="new_team")
        self.assertTrue(user.must_change_password)
        self.assertTrue(user.check_password(response.context["password"]))
        event = Event.objects.get(action="account.create", object_id=str(user.pk))
        self.assertEqual(event.changes["role"], [None, "team"])

    def test_office_admin_cannot_create_in_another_committee(self):
        self.login(self.office)
        response = self.create(committee=self.county_b.pk, inspector="")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(User.objects.filter(username="new_team").exists())

    def test_team_account_needs_an_inspector_of_the_pool(self):
        self.login(self.office)
        response = self.create(inspector=self.insp_b1.pk)
        self.assertFalse(User.objects.filter(username="new_team").exists())
        self.assertEqual(response.status_code, 200)
        response = self.create(inspector="")
        self.assertContains(response, "巡察干部")

    def test_liaison_needs_a_unit_under_the_committee(self):
        self.login(self.office)
        self.create(username="li2", role=Role.LIAISON, inspector="", unit=self.unit_b.pk)
        self.assertFalse(User.objects.filter(username="li2").exists())
        self.create(username="li2", role=Role.LIAISON, inspector="", unit=self.unit_fin.pk)
        self.assertEqual(User.objects.get(username="li2").unit, self.unit_fin)

    def test_duplicate_username_is_refused(self):
        self.login(self.office)
        response = self.create(username="OFFICE2")
        self.assertContains(response, "已被使用")

    def test_non_admin_office_cannot_manage_accounts(self):
        self.login(self.office2)
        self.assertEqual(self.client.get(reverse("accounts:user_list")).status_code, 403)

    def test_admin_cannot_open_another_committees_account(self):
        self.login(self.office)
        response = self.client.get(reverse("accounts:user_edit", args=[self.other_office.pk]))
        self.assertEqual(response.status_code, 404)

    def test_list_shows_own_committee_only(self):
        self.login(self.office)
        response = self.client.get(reverse("accounts:user_list"))
        names = {u.username for u in response.context["page"]}
        self.assertIn("office2", names)
        self.assertNotIn("other_office", names)

    def test_platform_operator_manages_every_committee(self):
        self.login(self.platform)
        response = self.client.get(reverse("accounts:user_edit", args=[self.other_office.pk]))
        self.assertEqual(response.status_code, 200)

    def test_edit_changes_role_with_audit(self):
        self.login(self.office)
        self.client.post(reverse("accounts:user_edit", args=[self.office2.pk]), {
            "display_name": "改名", "role": Role.LEADERSHIP, "committee": self.county.pk,
            "is_active": "on"})
        self.office2.refresh_from_db()
        self.assertEqual(self.office2.role, Role.LEADERSHIP)
        event = Event.objects.filter(action="account.update").latest("seq")
        self.assertEqual(event.changes["role"], ["office", "leadership"])

    def test_cannot_deactivate_oneself(self):
        self.login(self.office)
        self.client.post(reverse("accounts:user_edit", args=[self.office.pk]), {
            "display_name": "x", "role": Role.OFFICE, "committee": self.county.pk,
            "is_office_admin": "on"})
        self.office.refresh_from_db()
        self.assertTrue(self.office.is_active)
