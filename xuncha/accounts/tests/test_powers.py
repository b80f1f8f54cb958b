"""Custodian and office-head powers (issue 15, item 2, the account side): granted only by
the office of the committee above (a top committee's by the platform operator), never by
the committee's own administrators and never to oneself; each grant and revocation is an
audit event the committee's other custodians hear of; ``account_recently_changed_by``."""

import datetime
from unittest import mock

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from xuncha.accounts import access, selectors, services
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.audit.models import Event
from xuncha.lib.errors import Forbidden
from xuncha.lib.testing import make_user

from .base import AccountsTestCase

FROM_ABOVE = ("Identity custodian and office head are granted by the office of the committee "
              "above, on its page of the lower offices' powers (for a top committee, by the "
              "platform operator); not by the committee's own administrators.")
REASON = "经区委巡察办主任会议研究同意"


class PowerTestCase(AccountsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        User.objects.filter(pk=cls.custodian.pk).update(email="custodian@example.org")
        cls.custodian2 = make_user("custodian2", Role.OFFICE, cls.county, is_custodian=True,
                                   email="custodian2@example.org")
        cls.province_office = make_user("province_office", Role.OFFICE, cls.province,
                                        is_office_admin=True)


class PowerRuleTests(PowerTestCase):
    def personas(self):
        return [*self.PERSONAS, "custodian2", "province_office"]

    def test_can_grant_agrees_with_its_query_form(self):
        for persona in self.personas():
            user = getattr(self, persona)
            grantable = access.accounts_grantable_by(user=user)
            revocable = access.accounts_revocable_by(user=user)
            for other in self.personas():
                account = getattr(self, other)
                self.assertEqual(access.can_grant_powers(user=user, account=account),
                                 grantable.filter(pk=account.pk).exists(), f"{persona} → {other}")
                self.assertEqual(access.can_revoke_powers(user=user, account=account),
                                 revocable.filter(pk=account.pk).exists(), f"{persona} → {other}")

    def test_who_grants(self):
        may = access.can_grant_powers
        self.assertTrue(may(user=self.city_office, account=self.office2))  # city above county
        self.assertTrue(may(user=self.city_office, account=self.other_office))
        self.assertTrue(may(user=self.province_office, account=self.city_office))
        self.assertTrue(may(user=self.platform, account=self.province_office))  # top committee
        self.assertFalse(may(user=self.office, account=self.office2))  # the own administrator
        self.assertFalse(may(user=self.office, account=self.office))  # oneself
        self.assertFalse(may(user=self.platform, account=self.office2))  # not a top committee
        self.assertFalse(may(user=self.province_office, account=self.office2))  # two above
        self.assertFalse(may(user=self.city_office, account=self.team))  # not an office account
        self.assertFalse(may(user=self.oversight, account=self.office2))  # not an administrator
        self.assertFalse(may(user=self.other_office, account=self.office2))  # a sibling

    def test_own_administrators_may_revoke(self):
        self.assertTrue(access.can_revoke_powers(user=self.office, account=self.custodian))
        self.assertTrue(access.can_revoke_powers(user=self.office, account=self.office))
        self.assertFalse(access.can_revoke_powers(user=self.office2, account=self.custodian))
        self.assertFalse(access.can_revoke_powers(user=self.other_office, account=self.custodian))


class PowerServiceTests(PowerTestCase):
    def test_the_upper_office_grants_with_an_event_and_mail(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.power_grant(actor=self.city_office, account=self.office2,
                                 power="is_custodian", reason=REASON)
        self.office2.refresh_from_db()
        self.assertTrue(self.office2.is_custodian)
        event = Event.objects.get(action="account.power_grant")
        self.assertEqual((event.actor_id, event.object_id), (self.city_office.pk,
                                                             str(self.office2.pk)))
        self.assertEqual(event.params, {"power": "is_custodian", "reason": REASON})
        self.assertEqual(event.changes, {"is_custodian": [False, True]})
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(sorted(mail.outbox[0].to),
                         ["custodian2@example.org", "custodian@example.org"])
        self.assertIn("office2", mail.outbox[0].body)
        self.assertIn(REASON, mail.outbox[0].body)

    def test_no_mail_before_the_commit_nor_to_the_account_itself(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.power_grant(actor=self.city_office, account=self.office2,
                                 power="is_office_head", reason=REASON)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)
        with self.captureOnCommitCallbacks(execute=True):
            services.power_revoke(actor=self.city_office, account=self.custodian,
                                  power="is_custodian", reason=REASON)
        self.assertEqual(mail.outbox[0].to, ["custodian2@example.org"])
        self.assertTrue(Event.objects.filter(action="account.power_revoke",
                                             object_id=str(self.custodian.pk)).exists())

    def test_the_own_administrator_cannot_grant(self):
        with self.assertRefused(Forbidden, FROM_ABOVE):
            services.power_grant(actor=self.office, account=self.office2,
                                 power="is_custodian", reason=REASON)
        with self.assertRefused(Forbidden, FROM_ABOVE):
            services.power_grant(actor=self.office, account=self.office,
                                 power="is_custodian", reason=REASON)
        with self.assertRefused(Forbidden, FROM_ABOVE):
            services.power_grant(actor=self.city_office, account=self.city_office,
                                 power="is_custodian", reason=REASON)
        self.assertFalse(Event.objects.filter(action="account.power_grant").exists())

    def test_the_dh_office_attack_is_refused(self):
        """The attack of the issue: the county's administrator creates a custodian account
        (or edits one into a custodian, or makes itself one). All refused now."""
        with self.assertRefused(Forbidden, FROM_ABOVE):
            services.user_create(actor=self.office, data={
                "username": "sock", "display_name": "马甲", "role": Role.OFFICE,
                "committee": self.county, "is_custodian": True, "password": "Sock-Puppet-99"})
        self.assertFalse(User.objects.filter(username="sock").exists())
        for account in (self.office2, self.office):
            for power in access.POWERS:
                if getattr(account, power):
                    continue
                with self.assertRefused(Forbidden, FROM_ABOVE):
                    services.user_update(actor=self.office, user=account, data={power: True})
        self.office.refresh_from_db()
        self.office2.refresh_from_db()
        self.assertFalse(self.office.is_custodian or self.office2.is_custodian
                         or self.office2.is_office_head)
        # Nor may the platform operator set them on a county account's form.
        with self.assertRefused(Forbidden, FROM_ABOVE):
            services.user_update(actor=self.platform, user=self.office2,
                                 data={"is_custodian": True})

    def test_the_own_administrator_revokes_also_its_own(self):
        services.power_revoke(actor=self.office, account=self.custodian, power="is_custodian",
                              reason=REASON)
        services.power_revoke(actor=self.office, account=self.office, power="is_office_head",
                              reason=REASON)
        self.custodian.refresh_from_db()
        self.office.refresh_from_db()
        self.assertFalse(self.custodian.is_custodian or self.office.is_office_head)
        self.assertEqual(Event.objects.filter(action="account.power_revoke").count(), 2)
        with self.assertRefused(Forbidden, code="forbidden"):
            services.power_revoke(actor=self.office2, account=self.custodian2,
                                  power="is_custodian", reason=REASON)

    def test_losing_an_office_role_revokes_with_an_event(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.user_update(actor=self.office, user=self.custodian,
                                 data={"role": Role.LEADERSHIP})
        self.custodian.refresh_from_db()
        self.assertFalse(self.custodian.is_custodian)
        event = Event.objects.get(action="account.power_revoke")
        self.assertEqual(event.params["power"], "is_custodian")
        self.assertEqual(mail.outbox[0].to, ["custodian2@example.org"])

    def test_a_reason_is_required_and_bounded(self):
        for reason, message in (("  ", "Give the reason for this change of powers."),
                                ("长" * 4000, "The reason is too long (at most 500 characters).")):
            with self.assertRefused(reason=message):
                services.power_grant(actor=self.city_office, account=self.office2,
                                     power="is_custodian", reason=reason)
        with self.assertRefused(reason="Choose a power: identity custodian or office head."):
            services.power_grant(actor=self.city_office, account=self.office2,
                                 power="is_office_admin", reason=REASON)
        with self.assertRefused(code="unchanged"):
            services.power_grant(actor=self.city_office, account=self.custodian,
                                 power="is_custodian", reason=REASON)
        with self.assertRefused(code="unchanged"):
            services.power_revoke(actor=self.city_office, account=self.office2,
                                  power="is_custodian", reason=REASON)


class RecentlyChangedTests(PowerTestCase):
    def test_creating_changing_and_granting_count_for_30_days(self):
        changed = selectors.account_recently_changed_by
        self.assertFalse(changed(account=self.custodian, by=self.office))
        user, _password = services.user_create(actor=self.office, data={
            "username": "new_office", "display_name": "新", "role": Role.OFFICE,
            "committee": self.county})
        self.assertTrue(changed(account=user, by=self.office))
        self.assertFalse(changed(account=user, by=self.city_office))
        services.power_grant(actor=self.city_office, account=user, power="is_custodian",
                             reason=REASON)
        self.assertTrue(changed(account=user, by=self.city_office))
        services.user_update(actor=self.office, user=self.custodian,
                             data={"display_name": "改"})
        self.assertTrue(changed(account=self.custodian, by=self.office))
        self.assertFalse(changed(account=self.custodian, by=self.office2))
        services.user_reset_password(actor=self.office, user=self.custodian2)
        self.assertTrue(changed(account=self.custodian2, by=self.office))

    def test_older_changes_do_not_count(self):
        services.user_update(actor=self.office, user=self.custodian, data={"display_name": "改"})
        event = Event.objects.get(action="account.update")
        later = event.created_at + datetime.timedelta(days=31)
        with mock.patch("xuncha.accounts.selectors.timezone.now", return_value=later):
            self.assertFalse(selectors.account_recently_changed_by(account=self.custodian,
                                                                   by=self.office))
            self.assertTrue(selectors.account_recently_changed_by(account=self.custodian,
                                                                  by=self.office, days=40))
        self.assertLess(event.created_at, timezone.now() + datetime.timedelta(seconds=1))


class PowerPageTests(PowerTestCase):
    def post(self, name, account, power="is_custodian", reason=REASON, follow=False, **extra):
        return self.client.post(reverse(f"accounts:{name}"), {
            "account": account.pk, "power": power, "reason": reason, **extra}, follow=follow)

    def test_the_upper_office_sees_and_grants(self):
        self.login(self.city_office)
        home = self.client.get(reverse("web:home")).content.decode()
        self.assertIn(reverse("accounts:power_list"), home)
        page = self.client.get(reverse("accounts:power_list"))
        self.assertEqual(page.status_code, 200)
        names = {row["account"].username for row in page.context["rows"]}
        self.assertEqual(names, {"office", "office2", "custodian", "custodian2", "other_office"})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.post("power_grant", self.office2)
        self.assertRedirects(response, reverse("accounts:power_list"))
        self.office2.refresh_from_db()
        self.assertTrue(self.office2.is_custodian)
        self.assertEqual(len(mail.outbox), 1)

    def test_who_opens_the_page(self):
        expected = {"platform": 200, "city_office": 200, "province_office": 200}
        for persona in [*self.PERSONAS, "province_office"]:
            self.login(getattr(self, persona))
            status = self.client.get(reverse("accounts:power_list")).status_code
            self.assertEqual(status, expected.get(persona, 403), persona)
            html = self.client.get(reverse("accounts:profile")).content.decode()
            self.assertEqual(reverse("accounts:power_list") in html, persona in expected,
                             persona)

    def test_the_own_administrator_cannot_grant_by_post(self):
        self.login(self.office)  # a county administrator: no committee below
        self.assertEqual(self.post("power_grant", self.office2).status_code, 403)
        self.login(self.other_office)  # a sibling county's office cannot even find it
        self.assertEqual(self.post("power_revoke", self.custodian).status_code, 404)
        self.login(self.city_office)  # the upper office, but not to itself
        response = self.post("power_grant", self.city_office, power="is_office_head",
                             follow=True)
        self.assertIn(gettext(FROM_ABOVE), [str(m) for m in response.context["messages"]])
        self.assertFalse(Event.objects.filter(action="account.power_grant").exists())

    def test_a_missing_reason_is_one_translated_message(self):
        self.login(self.city_office)
        response = self.post("power_grant", self.office2, reason="", follow=True)
        shown = [str(m) for m in response.context["messages"]]
        required = gettext("This field is required.")
        self.assertEqual(shown, [gettext("Reason: %(problem)s") % {"problem": required}])
        self.assertNotIn("Reason:", shown[0])  # the message is the catalogue's, not built
        self.office2.refresh_from_db()
        self.assertFalse(self.office2.is_custodian)

    def test_the_grant_and_revoke_pages_are_post_only(self):
        self.login(self.city_office)
        for name in ("power_grant", "power_revoke"):
            self.assertEqual(self.client.get(reverse(f"accounts:{name}")).status_code, 405)

    def test_bad_input_gets_a_message(self):
        self.login(self.city_office)
        for data in ({"reason": "长" * 4000}, {"reason": ""}, {"power": "is_superuser"}):
            response = self.post("power_grant", self.office2, follow=True, **data)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(list(response.context["messages"]))
        response = self.client.post(reverse("accounts:power_grant"), {"account": "x"},
                                    follow=True)
        self.assertEqual(response.status_code, 200)
        self.office2.refresh_from_db()
        self.assertFalse(self.office2.is_custodian)

    def test_the_account_form_shows_the_powers_read_only(self):
        self.login(self.office)
        page = self.client.get(reverse("accounts:user_edit", args=[self.custodian.pk]))
        form = page.context["form"]
        self.assertNotIn("is_custodian", form.fields)
        self.assertNotIn("is_office_head", form.fields)
        self.assertNotIn('name="is_custodian"', page.content.decode())
        powers = {p["power"]: p for p in page.context["powers"]}
        self.assertTrue(powers["is_custodian"]["held"])
        self.assertTrue(powers["is_custodian"]["can_revoke"])
        self.assertFalse(powers["is_office_head"]["can_grant"])
        self.assertContains(page, reverse("accounts:power_revoke"))
        # A checkbox posted anyway is ignored: the form has no such field.
        self.client.post(reverse("accounts:user_edit", args=[self.office2.pk]), {
            "display_name": "x", "role": Role.OFFICE, "committee": self.county.pk,
            "is_active": "on", "is_custodian": "on", "is_office_head": "on"})
        self.office2.refresh_from_db()
        self.assertFalse(self.office2.is_custodian or self.office2.is_office_head)
        create = self.client.get(reverse("accounts:user_create"))
        self.assertNotIn("is_custodian", create.context["form"].fields)

    def test_the_own_administrator_revokes_from_the_account_page(self):
        self.login(self.office)
        url = reverse("accounts:user_edit", args=[self.custodian.pk])
        response = self.post("power_revoke", self.custodian, next=url)
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.custodian.refresh_from_db()
        self.assertFalse(self.custodian.is_custodian)
        message = gettext("%(account)s is no longer %(power)s.") % {
            "account": "custodian", "power": gettext("Identity custodian")}
        self.assertContains(self.client.get(url), message)

    def test_the_page_reads_a_fixed_number_of_queries(self):
        self.login(self.city_office)
        self.queries_of_the_page()  # the session is saved once
        before = self.queries_of_the_page()
        for i in range(3):
            make_user(f"more{i}", Role.OFFICE, self.county_b)
        self.assertEqual(self.queries_of_the_page(), before)

    def queries_of_the_page(self) -> int:
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(reverse("accounts:power_list")).status_code, 200)
        return len(ctx.captured_queries)
