"""重复件: MinHash band keys find near-duplicates across channels at intake and in triage,
an edit-distance ratio confirms them, and linking merges the counts on the original."""

from django.urls import reverse

from xuncha.lib.errors import DomainError
from xuncha.lib.textnorm import compact
from xuncha.petitions import dedup, duplicates, intake, triage
from xuncha.petitions.models import Petition, PetitionBand, Status

from .base import NEAR, OTHER, TEXT, PetitionBase


class MinHashTests(PetitionBase):
    def test_signature_estimates_the_jaccard_similarity(self):
        a, b = compact(TEXT), compact(NEAR)
        estimate = float((dedup.signature(a) == dedup.signature(b)).mean())
        self.assertAlmostEqual(estimate, dedup.jaccard(a, b), delta=0.2)
        self.assertGreater(len(set(dedup.keys_for(TEXT)[1]) & set(dedup.keys_for(NEAR)[1])), 0)
        self.assertEqual(set(dedup.keys_for(TEXT)[1]) & set(dedup.keys_for(OTHER)[1]), set())

    def test_the_same_text_in_other_script_width_and_punctuation_has_the_same_keys(self):
        variant = "反映東湖區教育局某科長在學校食堂承包招標中收受供應商紅包禮金　並為其親屬經營的配送公司提供便利！！"
        self.assertEqual(dedup.keys_for(TEXT)[1], dedup.keys_for(variant)[1])

    def test_short_texts_have_no_keys(self):
        self.assertEqual(dedup.keys_for("反映问题，请查处。")[1], [])
        self.assertEqual(len(dedup.keys_for(TEXT)[1]), dedup.BANDS)


class DuplicateTests(PetitionBase):
    def test_near_duplicate_across_channels_is_found_at_intake(self):
        phone = self.intake(channel="phone")
        self.assertEqual(PetitionBand.objects.filter(petition_id=phone.pk).count(), 16)
        online, _receipt = self.submit(NEAR)
        online.refresh_from_db()  # online reports are indexed by the background job
        self.assertEqual(PetitionBand.objects.filter(petition_id=online.pk).count(), 16)
        self.assertEqual([(d["id"], d["channel"]) for d in online.possible_duplicates],
                         [(phone.pk, "phone")])
        self.assertGreaterEqual(online.possible_duplicates[0]["ratio"], dedup.CONFIRM)
        unrelated = self.intake(OTHER, channel="letter")
        self.assertEqual(unrelated.possible_duplicates, [])

    def test_traditional_script_duplicate(self):
        first = self.intake()
        trad = self.intake("反映東湖區教育局某科長在學校食堂承包招標中收受供應商紅包禮金，"
                           "並為其親屬經營的配送公司提供便利。", channel="email")
        self.assertEqual([d["id"] for d in trad.possible_duplicates], [first.pk])

    def test_other_committees_are_never_candidates(self):
        self.intake()
        self.unit_b.refresh_from_db()
        foreign = intake.petition_intake(actor=self.other_office, committee=self.county_b,
                                         channel="letter", content=TEXT, unit=self.unit_b)
        self.assertEqual(foreign.possible_duplicates, [])

    def test_linking_merges_counts_on_the_original(self):
        phone = self.intake(channel="phone")
        online, _receipt = self.submit(NEAR)
        letter = self.intake(channel="letter")
        visit = self.intake(channel="visit")
        duplicates.petition_mark_duplicate(actor=self.team, petition=visit, original=letter)
        letter.refresh_from_db()
        self.assertEqual(letter.duplicate_count, 1)
        online = duplicates.petition_mark_duplicate(actor=self.team, petition=online,
                                                    original=phone)
        phone.refresh_from_db()
        self.assertEqual((online.status, online.duplicate_of, phone.duplicate_count),
                         (Status.DUPLICATE, phone, 1))
        # A petition that already has duplicates hands them to the original; a link to a
        # duplicate goes to the first of the chain.
        letter = duplicates.petition_mark_duplicate(actor=self.team, petition=letter,
                                                    original=online)
        phone.refresh_from_db()
        self.assertEqual((letter.duplicate_of, letter.duplicate_count, phone.duplicate_count),
                         (phone, 0, 3))
        self.assertEqual(set(Petition.objects.filter(duplicate_of=phone).values_list(
            "pk", flat=True)), {online.pk, letter.pk, visit.pk})

    def test_refusals(self):
        petition = self.intake()
        with self.assertRefused(DomainError, "A petition cannot duplicate itself."):
            duplicates.petition_mark_duplicate(actor=self.team, petition=petition,
                                               original=petition)
        other = self.intake(OTHER)
        triage.petition_accept(actor=self.team, petition=other, category="work")
        # Only an untriaged petition becomes a duplicate.
        with self.assertRefused(DomainError, code="already_triaged"):
            duplicates.petition_mark_duplicate(actor=self.team, petition=Petition.objects.get(
                pk=other.pk), original=petition)

    def test_triage_sees_later_arrivals_and_linked_petitions_show_each_other(self):
        phone = self.intake(channel="phone")
        self.assertEqual(phone.possible_duplicates, [])
        online, _receipt = self.submit(NEAR)
        self.login(self.team)
        page = self.client.get(reverse("petitions:detail", args=[phone.pk]))
        self.assertEqual([p.pk for p, _ratio in page.context["possible"]], [online.pk])
        self.client.post(reverse("petitions:duplicate_action", args=[online.pk]),
                         {"original": phone.pk, "version": online.version})
        original_page = self.client.get(reverse("petitions:detail", args=[phone.pk]))
        self.assertEqual([p.pk for p in original_page.context["duplicates"]], [online.pk])
        self.assertEqual(original_page.context["possible"], [])
        duplicate_page = self.client.get(reverse("petitions:detail", args=[online.pk]))
        self.assertEqual(duplicate_page.context["original"], phone)
        self.assertContains(duplicate_page, f'href="{reverse("petitions:detail", args=[phone.pk])}"')

    def test_an_original_out_of_sight_cannot_be_linked(self):
        mine = self.intake()
        theirs = self.intake(inspection=self.second_inspection(self.township))
        self.login(self.team_b)
        self.assertEqual(self.client.post(reverse("petitions:duplicate_action", args=[mine.pk]),
                                          {"original": theirs.pk}).status_code, 404)
        self.login(self.team)
        response = self.client.post(reverse("petitions:duplicate_action", args=[mine.pk]),
                                    {"original": 999999, "version": 1})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Petition.objects.get(pk=mine.pk).status, Status.NEW)


class ReindexTests(PetitionBase):
    def test_reindex_rebuilds_bands_and_search(self):
        import io

        from django.core.management import call_command

        from xuncha.petitions import selectors

        petition = self.intake(subjects=[{"name": "张建华"}])
        PetitionBand.objects.all().delete()
        Petition.objects.update(search_text="")
        out = io.StringIO()
        call_command("petitions_reindex", stdout=out)
        self.assertIn("1 petition(s) reindexed", out.getvalue())
        self.assertEqual(PetitionBand.objects.filter(petition_id=petition.pk).count(), 16)
        qs = selectors.petitions_visible_to(user=self.office)
        self.assertEqual(list(selectors.search(qs, "张建华")), [petition])
        self.assertEqual([d["id"] for d in self.intake(NEAR).possible_duplicates], [petition.pk])
