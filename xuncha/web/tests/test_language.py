"""The language crawl: every page and every export, as every role, in both languages.

The objects are those of the permission matrix (``test_permission_matrix``: one of every
kind in county A, a real object behind every ``<int:…>`` of the URL patterns, plus a
transferred clue, an accountability record and a published rectification notice); the
people are one persona per role of ``xuncha.lib.testing.World`` and nobody signed in (the
public pages). Every route of the URL patterns (the API and the admin aside: the API speaks
JSON, its ``*_text`` fields come from the glossary, ``ApiTextTests``) is requested with GET;
every page that answers 200 is read (``language.read_html``), every download too
(``read_file``). A route with an object parameter and no object here is a finding.

- zh-hans: no Latin word outside ``language.ALLOWED_LATIN``, URLs, e-mail addresses, paths,
  file names and extensions, register codes (``JZ-LJ-DH``) and the identifiers of the data
  (``IDENTIFIERS``: codes, user names, public codes, token prefixes);
- English: no Chinese text unless it is data (a part of a text stored in the database, or
  stored texts side by side: 东湖区委 + 第一巡察组), a Chinese term glossed after its English
  name ("To do (待整改)"), or marked as Chinese (``lang="zh-Hans"``). The 公文 and the files
  in an import's Chinese format (``CHINESE_FILES``) are Chinese in both languages;
- everywhere: ``translate="no"`` marks a machine value shown on purpose (a TOTP key, a hash);
- no page carries inline code the CSP refuses (``style=``, inline scripts, handlers).

``XUNCHA_LANGUAGE_REPORT=path`` writes the findings, counted by page, to ``path``.
``DemoDataTests``: the demo data is Chinese throughout; ``GlossaryTests``: every audit
action the code records has a name.
"""

import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any
from unittest import mock

from django.apps import apps
from django.db import models
from django.test import TestCase, override_settings
from django.urls import get_resolver, reverse
from django.utils.translation import gettext_lazy

from xuncha.accounts.roles import ReceiverBody
from xuncha.findings.clues import clue_transfer
from xuncha.findings.models import FourForms
from xuncha.lib import glossary
from xuncha.lib.testing import WorldTestCase
from xuncha.rectification.models import PublicNotice
from xuncha.rectification.reports import accountability_record
from xuncha.web import registry
from xuncha.web.middleware import LANGUAGE_COOKIE
from xuncha.web.tests import language
from xuncha.web.tests import test_permission_matrix as matrix

#: One persona per role (and per level where the pages differ), and nobody signed in.
PERSONAS = ("platform", "office", "custodian", "leader", "team", "liaison", "receiver",
            "oversight", "city_office", None)
#: Routes never requested: they act on a GET (sign out) or answer with machines' formats.
SKIP = ("accounts:logout", "web:set_language", "web:health", "public:qr")
SLUGS = {"organizations:import": ["units", "cadres"],
         "organizations:import_template": ["units", "cadres"],
         "organizations:export": ["units", "cadres", "inspectors"]}
#: Files in Chinese in both languages (see ``Crawl.read``); the stats report is not one.
CHINESE_FILES = ("inspections:notice_docx", "teamwork:inspector_record_docx", "findings:report_docx", "findings:feedback_docx",
                 "evaluations:ballot_docx", "public:notice_docx",
                 "organizations:import_template", "petitions:import_template",
                 "organizations:export", "rectification:ledger_export")
#: Fields whose values are identifiers (Latin letters allowed on Chinese pages).
IDENTIFIERS = (("organizations.Committee", "code"), ("organizations.Unit", "code"),
               ("accounts.User", "username"), ("inspections.Inspection", "public_code"),
               ("accounts.ApiToken", "prefix"))


def data_corpus() -> str:
    """Every text stored in the database, one per line: what a page may show as data."""
    values: list[str] = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        if not names:
            continue
        for row in model._default_manager.values_list(*names):
            values.extend(str(v) for v in row if v)
    return "\n".join(values)


def data_values(corpus: str) -> frozenset[str]:
    """The whole stored texts that are Chinese only: the parts of composed names."""
    return frozenset(v.strip() for v in corpus.split("\n")
                     if v.strip() and language.CJK.fullmatch(v.strip()))


def data_words() -> frozenset[str]:
    words: set[str] = set()
    for label, name in IDENTIFIERS:
        for value in apps.get_model(label)._default_manager.values_list(name, flat=True):
            words.update(language.WORD.findall(value or ""))
    return frozenset(words)


class Crawl:
    """Requests every route as one persona in one language and collects the findings."""

    def __init__(self, test, objects: dict[str, dict]) -> None:
        self.test = test
        self.objects = objects
        self.findings: dict[str, list[str]] = defaultdict(list)
        self.pages = 0
        self.files = 0
        self.words = data_words()
        self.corpus = data_corpus()
        self.values = data_values(self.corpus)

    def urls(self, names: tuple[str, ...] = ()):
        for name, pattern in matrix.walk(get_resolver().url_patterns):
            if name.startswith(("api", "admin")) or name in SKIP or (names and name not in names):
                continue
            if name in SLUGS:
                for kind in SLUGS[name]:
                    yield name, reverse(name, kwargs={"kind": kind})
            elif name.startswith("public:") and "<str:code>" in pattern:
                yield name, reverse(name, kwargs={"code": self.test.inspection.public_code})
            elif "<" in pattern and name not in self.objects:
                missing = f"{name}: no object for {pattern}"
                if missing not in self.findings["(not crawled)"]:
                    self.findings["(not crawled)"].append(missing)
            elif "<" in pattern:
                yield name, reverse(name, kwargs=self.objects[name])
            else:
                yield name, reverse(name)

    def run(self, persona: str | None, lang: str, names: tuple[str, ...] = ()) -> None:
        client = self.test.client_class()
        client.cookies[LANGUAGE_COOKIE] = lang
        if persona:
            client.force_login(getattr(self.test, persona))
        for name, url in self.urls(names):
            response = client.get(url)
            if response.status_code != 200:
                continue
            self.read(f"{lang} {name}", persona or "anonymous", lang, response)

    def read(self, page: str, who: str, lang: str, response) -> None:
        content_type = response.get("Content-Type", "")
        body = b"".join(response) if response.streaming else response.content
        if content_type.startswith("text/html"):
            self.pages += 1
            reading = language.read_html(body.decode())
            texts = reading.texts
            for inline in reading.inline:
                self.findings[page].append(f"{who}: CSP {inline}")
        else:
            found = language.read_file(content_type, body)
            if found is None:
                return
            self.files += 1
            # 公文 (the notice, report, feedback, ballots, public notice) are Chinese whatever
            # the interface language: they are sent as they are. The import templates and the
            # registers that go back into an import carry the import's Chinese column names.
            chinese = page.endswith(CHINESE_FILES)
            texts = [(t, "zh-Hans" if chinese else "") for t in found]
        for text, text_lang in texts:
            if text_lang and text_lang[:2].lower() != lang[:2]:
                continue  # marked as another language than the page's
            bad = (language.latin_words(text, self.words) if lang == "zh-hans"
                   else language.cjk_runs(text, self.corpus, self.values))
            for word in bad:
                self.findings[page].append(f"{who}: {word!r} in “{language.context(text, word)}”")

    def report(self) -> str:
        counts = Counter({page: len(found) for page, found in self.findings.items()})
        lines = [f"{len(counts)} pages with findings, {sum(counts.values())} findings "
                 f"({self.pages} pages and {self.files} files read)", ""]
        lines += [f"{n:5d}  {page}" for page, n in sorted(counts.items())]
        lines.append("")
        for page, found in sorted(self.findings.items()):
            lines.append(f"## {page}")
            lines += [f"  {f}" for f in dict.fromkeys(found)]
        return "\n".join(lines) + "\n"


@override_settings(XUNCHA_POW_BITS=1)
class LanguageCrawlTests(WorldTestCase):
    setUp = matrix.PermissionMatrixTests.setUp

    def build(self):
        matrix.PermissionMatrixTests.build(self)
        # The token's name is data a person typed: Chinese like the rest of the world.
        self.token.name = "对接接口"
        self.token.save(update_fields=["name"])
        # Codes that pages once showed raw: a transferred clue's body, a form of the four.
        clue_transfer(actor=self.office, clue=self.clue, body=ReceiverBody.DISCIPLINE)
        accountability_record(actor=self.office, inspection=self.inspection, data={
            "person_name": "王五", "form": FourForms.FORM2, "action_taken": "诫勉谈话"},
            measures=[self.measure])
        self.public_notice = PublicNotice.objects.create(
            inspection=self.inspection, committee=self.county, title="关于区教育局巡察整改情况的通报",
            body="区教育局对照反馈问题逐项整改。", total=1, done=0, published_by=self.office,
            items=[{"problem": self.problem.title, "measure": self.measure.text,
                    "status": "整改中"}])

    def objects(self) -> dict[str, dict]:
        return {**matrix.PermissionMatrixTests.objects(self),
                "public:notice_detail": {"pk": self.public_notice.pk},
                "public:notice_docx": {"pk": self.public_notice.pk},
                **{f"rectification:wording_{step}": {"pk": self.inspection.pk,
                                                      "problem_pk": self.problem.pk}
                   for step in ("write", "approve")}}

    def crawl(self, names: tuple[str, ...] = (), personas=PERSONAS,
              langs=("zh-hans", "en")) -> Crawl:
        crawl = Crawl(self, self.objects())
        for lang in langs:
            for persona in personas:
                crawl.run(persona, lang, names)
        return crawl

    def test_every_page_and_export_speaks_the_language_of_the_reader(self):
        crawl = self.crawl()
        path = os.environ.get("XUNCHA_LANGUAGE_REPORT")
        if path:
            with open(path, "w", encoding="utf-8") as out:
                out.write(crawl.report())
        self.assertGreater(crawl.pages, 300)
        self.assertGreater(crawl.files, 10)
        self.assertEqual(dict(crawl.findings), {}, "\n" + crawl.report())

    def test_the_crawl_finds_a_planted_label(self):
        planted = (
            registry.NavEntry("work", "Planted label", "web:home", lambda user: True),
            registry.NavEntry("work", "未翻译的标签", "web:home", lambda user: True),
            registry.NavEntry("work", gettext_lazy("Home"), "web:home", lambda user: True),
        )
        with mock.patch.object(registry, "nav_entries", return_value=planted):
            crawl = self.crawl(names=("web:home",), personas=("office",))
        self.assertEqual(sorted(crawl.findings), ["en web:home", "zh-hans web:home"])
        self.assertIn("'Planted'", " ".join(crawl.findings["zh-hans web:home"]))
        self.assertIn("'未翻译的标签'", " ".join(crawl.findings["en web:home"]))
        self.assertNotIn("Home", " ".join(crawl.findings["zh-hans web:home"]))

    def test_the_reader_sees_attributes_files_and_inline_code(self):
        html = ('<p title="Close">关闭</p><input type="submit" value="Save">'
                '<input type="hidden" name="next" value="/x/"><span style="color:red">红</span>'
                '<script>alert(1)</script><code translate="no">sk_live_abc</code>'
                '<span lang="en">English</span><select><option>Draft</option></select>')
        reading = language.read_html(html)
        latin = [w for text, lang in reading.texts if not lang
                 for w in language.latin_words(text)]
        self.assertEqual(latin, ["Close", "Save", "Draft"])
        self.assertEqual(reading.inline, ["<span style=…>", "<script> without src"])
        self.assertEqual(language.latin_words("见 https://example.org/a 与 a@b.cn、/p/r/x/、"
                                              "台账.xlsx，大小 5 MB"), [])
        self.assertEqual(language.cjk_runs("Unit 东湖区教育局 status 草稿", "东湖区教育局"),
                         ["草稿"])


class GlossaryTests(WorldTestCase):
    """Every audit action the code records has a name in the glossary."""

    #: Dotted literals of the code that are field paths, not actions.
    NOT_ACTIONS = {"cadre.name", "cadre.position", "unit.name"}

    def recorded_actions(self) -> set[str]:
        import re
        from pathlib import Path

        from django.conf import settings

        prefixes = {action.split(".")[0] for action in glossary.ACTIONS}
        literal = re.compile(r"""["']([a-z_0-9]+\.[a-z_0-9]+)["']""")
        keyword = re.compile(r"""action=["']([a-z_0-9]+\.[a-z_0-9.]+|login|logout)["']""")
        found: set[str] = set()
        for path in (Path(settings.BASE_DIR) / "xuncha").rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts or path.name == "glossary.py":
                continue
            text = path.read_text(encoding="utf-8")
            found.update(keyword.findall(text))
            if "event_record(" in text:
                found.update(a for a in literal.findall(text) if a.split(".")[0] in prefixes)
        return found - self.NOT_ACTIONS

    def test_every_recorded_action_has_a_name(self):
        actions = self.recorded_actions()
        self.assertGreater(len(actions), 100)
        self.assertEqual(sorted(actions - set(glossary.ACTIONS)), [])

    def test_names_come_in_the_reader_language(self):
        from django.utils import translation

        with translation.override("zh-hans"):
            self.assertEqual(glossary.action_label("inspection.create"),
                             str(glossary.ACTIONS["inspection.create"]))
            self.assertFalse(language.latin_words(glossary.action_label("evaluation.paper_entry")))
            self.assertFalse(language.latin_words(glossary.display("review_side", "discipline")))
            self.assertFalse(language.latin_words(glossary.display("four_forms", "form2")))
            self.assertEqual(glossary.display("role", ""), "—")
        from xuncha.findings.models import FourForms

        with translation.override("en"):
            self.assertEqual(glossary.display("four_forms", "form2"), str(FourForms.FORM2.label))
        self.assertEqual(glossary.action_label("no.such_action"), "no.such_action")


def stored_texts(value: Any) -> Iterator[str]:
    """The texts of a stored value (a JSON value's strings; its keys are the program's)."""
    if isinstance(value, str):
        if value.startswith("gAAAAA"):  # encrypted at rest (xuncha.lib.fieldcrypto): its text
            from xuncha.lib.fieldcrypto import decrypt

            value = decrypt(value)
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from stored_texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from stored_texts(item)


class DemoDataTests(TestCase):
    """The demo data (``xuncha seed-demo``) is Chinese throughout: no Latin word in a text a
    person reads, whichever model holds it."""

    #: Fields whose values are machine values or identifiers (codes, hashes, user names).
    MACHINE = {"code", "username", "public_code", "prefix", "digest", "password", "hash",
               "prev_hash", "code_hash", "action", "object_type", "object_id", "content_type",
               "ip", "url", "secret", "token", "key", "session_key", "email", "phone",
               "receipt", "receipt_hash", "salt", "nonce", "mime", "sha256", "checksum",
               # codes of vocabularies kept as JSON or without choices
               "expertise", "suggestion", "possible_duplicates", "receiver_body"}

    def test_the_demo_speaks_chinese(self):
        from xuncha.ops.demo import seed_demo

        seed_demo()
        found = []
        for model in apps.get_models():
            if not model.__module__.startswith("xuncha.") or model._meta.label == "audit.Event":
                continue  # Django's own tables; the audit trail records the program's codes
            fields = [f.name for f in model._meta.concrete_fields
                      if isinstance(f, (models.CharField, models.TextField, models.JSONField))
                      and not f.choices and f.name not in self.MACHINE
                      and not isinstance(f, models.FileField)]
            for name in fields:
                for value in model._default_manager.values_list(name, flat=True):
                    for text in stored_texts(value):
                        words = language.latin_words(text)
                        if words:
                            found.append(f"{model._meta.label}.{name}: {words[:3]} in "
                                         f"“{language.context(text, words[0])}”")
        self.assertEqual(found[:40], [], f"{len(found)} texts with Latin words")


class ApiTextTests(WorldTestCase):
    def test_the_api_names_codes_in_the_account_language(self):
        import datetime

        from xuncha.accounts.services import token_create
        from xuncha.petitions import intake

        petition = intake.petition_intake(
            actor=self.office, committee=self.county, channel="letter", unit=self.unit_edu,
            inspection=None, content="反映教育局某科长收受礼金问题，请核实。",
            received_at=datetime.datetime(2026, 3, 20, 10, tzinfo=datetime.UTC))
        _token, secret = token_create(user=self.office, name="对接")
        body = self.client.get(f"/api/v1/petitions/{petition.pk}",
                               HTTP_AUTHORIZATION=f"Bearer {secret}").json()
        self.assertEqual(body["status"], petition.status)
        self.assertEqual(body["status_text"], glossary.display("petition_status", petition.status))
        self.assertEqual(body["channel_text"], glossary.display("petition_channel", "letter"))
        self.assertEqual(language.latin_words(body["status_text"] + body["channel_text"]), [])
