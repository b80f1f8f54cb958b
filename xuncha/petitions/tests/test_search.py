"""Finding petitions: Chinese full-text search (character pairs in a tsvector on
PostgreSQL, the normalised text on SQLite), the filters, keyset pages."""

import datetime

from django.db import connection
from django.urls import reverse

from xuncha.petitions import search as fts
from xuncha.petitions import selectors, triage

from .base import LAND, OTHER, TEXT, D, PetitionBase, at


class TokenTests(PetitionBase):
    def test_documents_become_pairs_in_order(self):
        self.assertEqual(fts.document_tokens("收受紅包2000元，A"),
                         "收受 受红 红包 包2 20 00 00 0元 a")
        self.assertEqual(fts.parse_query("红包 2000元 钱"),
                         ("('红包') & ('20' <-> '00' <-> '00' <-> '0元')", ["钱"]))

    def test_the_token_string_is_capped(self):
        self.assertEqual(len(fts.document_tokens("字" * 20000).split()), fts.MAX_TOKENS)


class SearchTests(PetitionBase):
    def setUp(self):
        super().setUp()
        self.hit = self.intake(TEXT + "涉及金额2000元。", subjects=[{"name": "张建华"}])
        self.miss = self.intake(OTHER)
        self.trad = self.intake("反映某局長在學校工程中收受紅包，群眾意見很大。", channel="letter")
        self.qs = selectors.petitions_visible_to(user=self.office)

    def found(self, q):
        return set(selectors.search(self.qs, q))

    def test_two_and_five_character_substrings(self):
        self.assertEqual(self.found("食堂"), {self.hit})
        self.assertEqual(self.found("食堂承包招"), {self.hit})
        self.assertEqual(self.found("招标"), {self.hit})
        self.assertEqual(self.found("红包"), {self.hit, self.trad})

    def test_only_adjacent_characters_match(self):
        self.assertEqual(self.found("红招"), set())  # both characters occur, not together
        self.assertEqual(self.found("食堂招标"), set())  # both words occur, not as a phrase
        self.assertEqual(self.found("食堂 招标"), {self.hit})  # two words: both anywhere

    def test_scripts_widths_digits_and_names(self):
        self.assertEqual(self.found("學校"), {self.hit, self.trad})  # traditional query
        self.assertEqual(self.found("局长"), {self.trad})  # traditional text
        self.assertEqual(self.found("２０００元"), {self.hit})  # full-width digits
        self.assertEqual(self.found("000元"), {self.hit})
        self.assertEqual(self.found("张建华"), {self.hit})  # the person reported
        self.assertEqual(self.found("饮"), {self.miss})  # one character: a substring test
        self.assertEqual(self.found("！！"), set())

    def test_search_through_the_list_page(self):
        self.login(self.office)
        response = self.client.get(reverse("petitions:list"), {"q": "学校工程"},
                                   HTTP_HX_REQUEST="true")
        self.assertTemplateUsed(response, "petitions/_rows.html")
        self.assertEqual(list(response.context["page"]), [self.trad])

    def test_postgres_uses_the_pair_index(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        sql = str(selectors.search(self.qs, "食堂承包").query)
        self.assertIn("to_tsquery", sql)
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname IN "
                           "('petition_committee_search_gin', 'subject_name_trgm') "
                           "ORDER BY indexname")
            definitions = [row[0] for row in cursor.fetchall()]
        self.assertIn("gin (committee_id, search_vector)", definitions[0])
        self.assertIn("gin_trgm_ops", definitions[1])


class FilterTests(PetitionBase):
    def test_filters(self):
        phone = self.intake(TEXT, subjects=[{"name": "张建华"}])
        letter = self.intake(LAND, channel="letter", day=D(2026, 3, 12))
        office = self.intake(OTHER, unit=self.unit_fin, channel="visit")
        triage.petition_accept(actor=self.team, petition=phone, category="integrity")
        triage.petition_transfer(actor=self.team, petition=letter, category="land",
                                 department="街道")
        qs = selectors.petitions_visible_to(user=self.office)

        def f(**criteria):
            return set(selectors.petitions_filter(qs, **criteria))

        self.assertEqual(f(inspection=self.inspection.pk), {phone, letter})
        self.assertEqual(f(channel="letter"), {letter})
        self.assertEqual(f(category="integrity"), {phone})
        self.assertEqual(f(category="land"), {letter})
        self.assertEqual(f(status="new"), {office})
        self.assertEqual(f(route="office"), {office})
        self.assertEqual(f(subject="张建"), {phone})
        self.assertEqual(f(subject="王"), set())
        self.assertEqual(f(date_from=D(2026, 3, 13)), {phone, office})
        self.assertEqual(f(date_to=D(2026, 3, 12)), {letter})
        self.assertEqual(f(date_from=D(2026, 3, 12), date_to=D(2026, 3, 12), channel="letter"),
                         {letter})

    def test_fuzzy_name_on_postgres(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        petition = self.intake(subjects=[{"name": "张三丰"}])
        qs = selectors.petitions_visible_to(user=self.office)
        self.assertEqual(list(selectors.petitions_filter(qs, subject="张三峰")), [petition])

    def test_keyset_pages(self):
        start = at(D(2026, 3, 10), 8)
        created = [self.intake(f"{TEXT}第{i}件。", received_at=start + datetime.timedelta(hours=i))
                   for i in range(30)]
        self.login(self.office)
        url = reverse("petitions:list")
        first = self.client.get(url, {"channel": "phone"})
        page = first.context["page"]
        self.assertEqual([p.pk for p in page], [p.pk for p in reversed(created)][:25])
        self.assertIn("after=", first.content.decode())
        second = self.client.get(url, {"channel": "phone", "after": page.next_cursor})
        self.assertEqual([p.pk for p in second.context["page"]],
                         [p.pk for p in reversed(created)][25:])
        self.assertIsNone(second.context["page"].next_cursor)
        bad = self.client.get(url, {"after": "garbage"})
        self.assertEqual(len(bad.context["page"]), 25)


class QuerySafetyTests(PetitionBase):
    def test_tsquery_syntax_in_user_text_is_plain_text(self):
        for q in ("'红包' | 1", "红包 & !礼金", "a:* (b", "\\'); DROP", "礼金)|(x"):
            tsquery, _singles = fts.parse_query(q)
            self.assertNotRegex(tsquery.replace("<->", "").replace(" & ", ""), r"[|!:*\\;]")
            self.assertEqual(list(selectors.search(
                selectors.petitions_visible_to(user=self.office), q)), [])

    def test_a_token_that_is_not_a_search_token_is_refused(self):
        with self.assertRaisesMessage(ValueError, "not a search token"):
            fts._lexeme("a'")
