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
from xuncha.petitions import services
from xuncha.petitions.models import Petition, RevealRequest, RevealStatus

from .base import TEXT, D, PetitionBase, at

SECRETS = ("李明华", "13907918888", "360102199001011234", "东湖区湖滨路1号")
REASON = "需要当面核实举报材料的具体情况"


class IdentityTests(PetitionBase):
    def identified(self, **kw):
        return self.intake(reporter=services.Reporter(*SECRETS), **kw)

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
                         ("李**", "139****8888", "3601************34", "东湖区*****"))
        for user in (self.office, self.team):
            self.login(user)
            page = self.client.get(reverse("petitions:detail", args=[petition.pk]))
            for secret in SECRETS:
                self.assertNotContains(page, secret)
            self.assertContains(page, "139****8888")

    def test_anonymous_stays_empty(self):
        petition = self.intake(reporter=services.Reporter())
        self.assertTrue(petition.anonymous)
        self.assertEqual((petition.reporter_name, petition.reporter_name_masked), ("", ""))
        with self.assertRaises(DomainError):
            services.reveal_request(actor=self.team, petition=petition, reason=REASON)

    def test_the_reveal_needs_a_second_person(self):
        petition = self.identified()
        with self.assertRaises(DomainError):  # a reason in a sentence
            services.reveal_request(actor=self.team, petition=petition, reason="看看")
        request = services.reveal_request(actor=self.team, petition=petition, reason=REASON)
        with self.assertRaises(DomainError):  # one pending request at a time
            services.reveal_request(actor=self.team, petition=petition, reason=REASON)
        with self.assertRaises(Forbidden):  # not approved yet
            services.reveal_identity(actor=self.team, request=request)
        for not_custodian in (self.office, self.office2, self.team, self.leader):
            with self.assertRaises(Forbidden, msg=not_custodian.username):
                services.reveal_decide(actor=not_custodian, request=request, approve=True)
        foreign = User.objects.filter(pk=self.other_office.pk).first()
        foreign.is_custodian = True
        with self.assertRaises(Forbidden):  # a custodian of another committee
            services.reveal_decide(actor=foreign, request=request, approve=True)
        services.reveal_decide(actor=self.custodian, request=request, approve=True)
        request.refresh_from_db()
        self.assertEqual((request.status, request.decided_by), (RevealStatus.APPROVED,
                                                                 self.custodian))
        self.assertEqual(request.valid_until, at(D(2026, 3, 21)))  # 24 hours
        identity = services.reveal_identity(actor=self.team, request=request)
        self.assertEqual((identity.name, identity.phone, identity.id_number, identity.address),
                         SECRETS)
        with self.assertRaises(Forbidden):  # only the requester
            services.reveal_identity(actor=self.custodian, request=request)
        with self.assertRaises(DomainError):  # decided once
            services.reveal_decide(actor=self.custodian, request=request, approve=False,
                                   note="x")
        self.travel(at(D(2026, 3, 21), 11))
        with self.assertRaises(Forbidden):  # expired
            services.reveal_identity(actor=self.team, request=request)
        actions = list(Event.objects.filter(action__startswith="identity.").order_by("seq")
                       .values_list("action", "actor__username"))
        self.assertEqual(actions, [("identity.reveal_request", "team"),
                                   ("identity.reveal_approve", "custodian"),
                                   ("identity.reveal", "team")])

    def test_the_requester_cannot_approve_their_own_request(self):
        petition = self.identified()
        request = services.reveal_request(actor=self.custodian, petition=petition,
                                          reason=REASON)
        with self.assertRaises(Forbidden):
            services.reveal_decide(actor=self.custodian, request=request, approve=True)
        self.assertEqual(RevealRequest.objects.get(pk=request.pk).status, RevealStatus.PENDING)

    @override_settings(XUNCHA_REVEAL_HOURS=2)
    def test_refusal_needs_a_note_and_the_approval_window_is_configurable(self):
        petition = self.identified()
        first = services.reveal_request(actor=self.team, petition=petition, reason=REASON)
        with self.assertRaises(DomainError):
            services.reveal_decide(actor=self.custodian, request=first, approve=False)
        services.reveal_decide(actor=self.custodian, request=first, approve=False,
                               note="理由不充分")
        self.assertTrue(Event.objects.filter(action="identity.reveal_refuse").exists())
        second = services.reveal_request(actor=self.team, petition=petition, reason=REASON)
        second = services.reveal_decide(actor=self.custodian, request=second, approve=True)
        self.assertEqual(second.valid_until, at(D(2026, 3, 20), 12))

    def test_the_pages_of_the_flow(self):
        petition = self.identified()
        self.login(self.team)
        self.client.post(reverse("petitions:action", args=[petition.pk, "reveal"]),
                         {"reason": REASON})
        request = RevealRequest.objects.get()
        self.login(self.office2)  # not a custodian: sees no one else's request
        self.assertEqual(self.client.get(reverse("petitions:reveal_list")).context["pending"], [])
        decide = reverse("petitions:reveal_decide", args=[request.pk, "approve"])
        self.assertEqual(self.client.post(decide).status_code, 404)  # office2 is no custodian
        self.login(self.team)
        self.assertEqual(self.client.post(decide).status_code, 403)
        self.assertEqual(RevealRequest.objects.get().status, RevealStatus.PENDING)
        self.login(self.custodian)
        listing = self.client.get(reverse("petitions:reveal_list"))
        self.assertEqual(listing.context["pending"], [request])
        self.assertContains(listing, reverse("petitions:reveal_decide", args=[request.pk,
                                                                              "approve"]))
        self.client.post(reverse("petitions:reveal_decide", args=[request.pk, "approve"]))
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
            petition = self.intake(reporter=services.Reporter(*SECRETS))
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
