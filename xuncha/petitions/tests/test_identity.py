"""Reporter protection: identity encrypted at rest with rotatable keys, masked for staff,
revealed only to the requester of a request a second person (a custodian) approved, for a
limited time, each reveal an audit event."""

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.lib import fieldcrypto
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.petitions import identity
from xuncha.petitions.models import Petition, RevealRequest, RevealStatus

from .base import TEXT, D, PetitionBase, at

SECRETS = ("李明华", "13907918888", "360102199001011234", "东湖区湖滨路1号")
REASON = "需要当面核实举报材料的具体情况"
CUSTODIANS = "Only an identity custodian of this committee decides."


class IdentityTests(PetitionBase):
    def identified(self, **kw):
        return self.intake(reporter=identity.Reporter(*SECRETS), **kw)

    def test_database_holds_no_plaintext(self):
        petition = self.identified()
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM petitions_petition WHERE id = %s", [petition.pk])
            row = " ".join(str(v) for v in cursor.fetchone())
        for secret in SECRETS:
            self.assertNotIn(secret, row)
        stored = Petition.objects.get(pk=petition.pk)
        self.assertEqual(fieldcrypto.decrypt(stored.reporter_id_number), SECRETS[2])
        self.assertFalse(stored.anonymous)

    def test_staff_see_masks(self):
        petition = self.identified()
        self.assertEqual((petition.reporter_name_masked, petition.reporter_phone_masked,
                          petition.reporter_id_number_masked, petition.reporter_address_masked),
                         ("李**", "*********88", "****************34", "****"))
        for user in (self.office, self.team):
            self.login(user)
            page = self.client.get(reverse("petitions:detail", args=[petition.pk]))
            for secret in SECRETS:
                self.assertNotContains(page, secret)
            self.assertContains(page, "*********88")
            # Nothing narrows a guess beyond the surname and the last two digits.
            for part in ("1390", "8888", "3601", "湖滨路"):
                self.assertNotContains(page, part)

    def test_anonymous_stays_empty(self):
        petition = self.intake(reporter=identity.Reporter())
        self.assertTrue(petition.anonymous)
        self.assertEqual((petition.reporter_name, petition.reporter_name_masked), ("", ""))
        with self.assertRefused(DomainError, "The reporter left no identity."):
            identity.reveal_request(actor=self.team, petition=petition, reason=REASON)

    def test_the_reveal_needs_a_second_person(self):
        petition = self.identified()
        with self.assertRefused(DomainError, "Give the reason in a full sentence (at least 10 "
                                             "characters)."):
            identity.reveal_request(actor=self.team, petition=petition, reason="看看")
        request = identity.reveal_request(actor=self.team, petition=petition, reason=REASON)
        with self.assertRefused(DomainError, "You already have a pending request for this "
                                             "petition."):
            identity.reveal_request(actor=self.team, petition=petition, reason=REASON)
        with self.assertRefused(Forbidden, "There is no approved, current request."):
            identity.reveal_identity(actor=self.team, request=request)
        for not_custodian in (self.office, self.office2, self.team, self.leader):
            with self.subTest(not_custodian.username), self.assertRefused(Forbidden, CUSTODIANS):
                identity.reveal_decide(actor=not_custodian, request=request, approve=True)
        foreign = User.objects.filter(pk=self.other_office.pk).first()
        foreign.is_custodian = True
        with self.assertRefused(Forbidden, CUSTODIANS):  # a custodian of another committee
            identity.reveal_decide(actor=foreign, request=request, approve=True)
        identity.reveal_decide(actor=self.custodian, request=request, approve=True)
        request.refresh_from_db()
        self.assertEqual((request.status, request.decided_by), (RevealStatus.APPROVED,
                                                                 self.custodian))
        self.assertEqual(request.valid_until, at(D(2026, 3, 21)))  # 24 hours
        reporter = identity.reveal_identity(actor=self.team, request=request)
        self.assertEqual((reporter.name, reporter.phone, reporter.id_number, reporter.address),
                         SECRETS)
        with self.assertRefused(Forbidden, "Only the person who asked may see the identity."):
            identity.reveal_identity(actor=self.custodian, request=request)
        with self.assertRefused(DomainError, code="already_decided"):
            identity.reveal_decide(actor=self.custodian, request=request, approve=False,
                                   note="x")
        self.travel(at(D(2026, 3, 21), 11))
        with self.assertRefused(Forbidden, "There is no approved, current request."):  # expired
            identity.reveal_identity(actor=self.team, request=request)
        actions = list(Event.objects.filter(action__startswith="identity.").order_by("seq")
                       .values_list("action", "actor__username"))
        self.assertEqual(actions, [("identity.reveal_request", "team"),
                                   ("identity.reveal_approve", "custodian"),
                                   ("identity.reveal", "team")])

    def test_the_requester_cannot_approve_their_own_request(self):
        petition = self.identified()
        request = identity.reveal_request(actor=self.custodian, petition=petition,
                                          reason=REASON)
        with self.assertRefused(Forbidden, "A request is decided by a second person, not by the "
                                           "requester."):
            identity.reveal_decide(actor=self.custodian, request=request, approve=True)
        self.assertEqual(RevealRequest.objects.get(pk=request.pk).status, RevealStatus.PENDING)

    def test_an_administrator_cannot_approve_through_an_account_they_made(self):
        """The attack seen: the office administrator asks, makes an account, has it made a
        custodian, signs in as it and approves. The account is theirs: refused."""
        from xuncha.accounts.roles import Role
        from xuncha.accounts.services import power_grant, user_create

        petition = self.identified()
        request = identity.reveal_request(actor=self.office, petition=petition, reason=REASON)
        puppet, _password = user_create(actor=self.office, data={
            "username": "puppet", "display_name": "傀儡", "role": Role.OFFICE,
            "committee": self.county})
        power_grant(actor=self.city_office, account=puppet, power="is_custodian",
                    reason="本级巡察办申请增设身份保管人")
        puppet.refresh_from_db()
        with self.assertRefused(Forbidden, code="approver_controlled"):
            identity.reveal_decide(actor=puppet, request=request, approve=True)
        self.assertEqual(RevealRequest.objects.get(pk=request.pk).status, RevealStatus.PENDING)
        # The same through two accounts: the administrator makes a requester and resets an
        # existing custodian's password; neither account is the administrator's own.
        from xuncha.accounts.services import user_reset_password

        requester, _password = user_create(actor=self.office, data={
            "username": "front", "display_name": "前台", "role": Role.OFFICE,
            "committee": self.county})
        other = identity.reveal_request(actor=requester, petition=petition, reason=REASON)
        user_reset_password(actor=self.office, user=self.custodian)
        with self.assertRefused(Forbidden, code="approver_controlled"):
            identity.reveal_decide(actor=self.custodian, request=other, approve=True)
        identity.reveal_decide(actor=self.custodian, request=other, approve=False, note="不同意")
        # A custodian nobody involved has touched decides as usual.
        self.custodian = User.objects.create_user("keeper", role=Role.OFFICE,
                                                  committee=self.county, is_custodian=True)
        identity.reveal_decide(actor=self.custodian, request=request, approve=True)
        self.assertEqual(RevealRequest.objects.get(pk=request.pk).status, RevealStatus.APPROVED)

    @override_settings(XUNCHA_REVEAL_HOURS=2)
    def test_refusal_needs_a_note_and_the_approval_window_is_configurable(self):
        petition = self.identified()
        first = identity.reveal_request(actor=self.team, petition=petition, reason=REASON)
        with self.assertRefused(DomainError, "Say why the request is refused."):
            identity.reveal_decide(actor=self.custodian, request=first, approve=False)
        identity.reveal_decide(actor=self.custodian, request=first, approve=False,
                               note="理由不充分")
        self.assertTrue(Event.objects.filter(action="identity.reveal_refuse").exists())
        second = identity.reveal_request(actor=self.team, petition=petition, reason=REASON)
        second = identity.reveal_decide(actor=self.custodian, request=second, approve=True)
        self.assertEqual(second.valid_until, at(D(2026, 3, 20), 12))

    def test_the_pages_of_the_flow(self):
        petition = self.identified()
        self.login(self.team)
        too_long = self.client.post(reverse("petitions:reveal_action", args=[petition.pk]),
                                    {"reason": "字" * 4000})
        self.assertTrue(too_long.context["reason_form"].errors["reason"])
        self.assertEqual(too_long.status_code, 400)
        self.client.post(reverse("petitions:reveal_action", args=[petition.pk]),
                         {"reason": REASON})
        request = RevealRequest.objects.get()
        self.login(self.office2)  # not a custodian: sees no one else's request
        self.assertEqual(self.client.get(reverse("petitions:reveal_list")).context["pending"], [])
        decide = reverse("petitions:reveal_decide_approve", args=[request.pk])
        self.assertEqual(self.client.post(decide).status_code, 404)  # office2 is no custodian
        self.login(self.team)
        self.assertEqual(self.client.post(decide).status_code, 403)
        self.assertEqual(RevealRequest.objects.get().status, RevealStatus.PENDING)
        self.login(self.custodian)
        refused = self.client.post(decide, {"note": "字" * 4000})  # a note of 2,000 at most
        self.assertContains(refused, "2000", status_code=400)
        self.assertEqual(RevealRequest.objects.get().status, RevealStatus.PENDING)
        listing = self.client.get(reverse("petitions:reveal_list"))
        self.assertEqual(listing.context["pending"], [request])
        self.assertContains(listing, reverse("petitions:reveal_decide_approve", args=[request.pk]))
        self.client.post(reverse("petitions:reveal_decide_approve", args=[request.pk]))
        self.login(self.team)
        self.assertEqual(self.client.get(reverse("petitions:reveal_show", args=[request.pk]))
                         .status_code, 405)  # a POST only
        shown = self.client.post(reverse("petitions:reveal_show", args=[request.pk]))
        self.assertContains(shown, SECRETS[1])
        self.assertEqual(shown["Cache-Control"], "no-store")
        self.assertEqual(Event.objects.filter(action="identity.reveal").count(), 1)
        self.login(self.office)  # somebody else's approval shows nothing
        self.assertEqual(self.client.post(reverse("petitions:reveal_show", args=[request.pk]))
                         .status_code, 404)


class RotationTests(PetitionBase):
    def test_rotate_field_keys_re_encrypts_everything_once(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        with override_settings(XUNCHA_FIELD_KEYS=[old]):
            petition = self.intake(reporter=identity.Reporter(*SECRETS))
            anonymous = self.intake(TEXT)
            User.objects.filter(pk=self.team.pk).update(totp_secret=fieldcrypto.encrypt("JBSWY3DP"))
            stored = Petition.objects.get(pk=petition.pk)
        with override_settings(XUNCHA_FIELD_KEYS=[new, old]):
            out = io.StringIO()
            call_command("rotate_field_keys", stdout=out)
            self.assertIn("petitions.Petition: 1 row(s) re-encrypted", out.getvalue())
            self.assertIn("accounts.User: 1 row(s) re-encrypted", out.getvalue())
            rotated = Petition.objects.get(pk=petition.pk)
            again = io.StringIO()
            call_command("rotate_field_keys", stdout=again)  # idempotent: nothing left
            self.assertIn("petitions.Petition: 0 row(s)", again.getvalue())
            self.assertEqual(Petition.objects.get(pk=petition.pk).reporter_phone,
                             rotated.reporter_phone)
        self.assertNotEqual(stored.reporter_phone, rotated.reporter_phone)
        with override_settings(XUNCHA_FIELD_KEYS=[new]):  # the old key can go
            self.assertEqual(fieldcrypto.decrypt(rotated.reporter_phone), SECRETS[1])
            self.assertEqual(fieldcrypto.decrypt(rotated.reporter_address), SECRETS[3])
            self.assertEqual(fieldcrypto.decrypt(User.objects.get(pk=self.team.pk).totp_secret),
                             "JBSWY3DP")
            check = io.StringIO()
            call_command("rotate_field_keys", "--check", stdout=check)
            self.assertIn("0 row(s) not under the newest key", check.getvalue())
        self.assertEqual(Petition.objects.get(pk=anonymous.pk).reporter_phone, "")
