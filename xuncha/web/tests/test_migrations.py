"""Migrations: every app migrates back to zero and up again from the empty database, and
data written under "the previous release" survives the upgrade.

There is no tagged release yet, so the previous release of an app is its schema before its
latest migration. The test builds rows with the current code, takes every app with more
than one migration back one step at once (and petitions back before 0003, so that the data
migration 0004_reindex, which fills the identity masks and rebuilds the search index and
the duplicate keys, meets rows of the old code), adds rows with the historical models of
that state, migrates forward and checks that every stored value is still there.

The audit table is append-only by trigger (0002_append_only): migrating the audit app back
drops the triggers, migrating forward recreates them, and the flush after each test lifts
them (``xuncha.audit.testing``). Every test returns the database to the latest migrations,
even when it fails, so the tests that run after it see the full schema.

Time goes into Django's rendering of the migration states on every way back (not into the
database): one way back to zero, one way back to the previous release.
"""

import datetime
import io
from unittest import mock

from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.test import TransactionTestCase
from django.utils import translation

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.audit.services import event_record
from xuncha.audit.testing import audit_triggers_lifted
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.findings.testing import signed_problem
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib import fieldcrypto
from xuncha.lib.testing import World
from xuncha.petitions import identity
from xuncha.petitions import intake as petitions
from xuncha.petitions import search as fts
from xuncha.petitions.models import Petition, PetitionBand, PetitionSubject
from xuncha.petitions.tests.base import LAND, OTHER, TEXT, at

#: The project's apps that have migrations (stats and web have none).
PROJECT_APPS = sorted({app for app, _name in MigrationLoader(None).graph.leaf_nodes()
                       if apps.get_app_config(app).name.startswith("xuncha.")})
#: The moment the tests run at: the education bureau's inspection is on site, its intake
#: open, and the team's meeting of 2026-03-27 in the past.
MOMENT = at(datetime.date(2026, 3, 30))


def executor() -> MigrationExecutor:
    return MigrationExecutor(connection)


def leaves() -> list[tuple[str, str]]:
    return sorted(node for node in executor().loader.graph.leaf_nodes() if node[0] in PROJECT_APPS)


def migrate(targets: list[tuple[str, str | None]]) -> None:
    runner = executor()
    if runner.migration_plan(targets):
        runner.migrate(targets)


def historical_apps():
    """The models as the applied migrations define them (rendered: this takes a moment)."""
    loader = executor().loader
    return loader.project_state(sorted(loader.applied_migrations)).apps


def previous(app: str) -> str | None:
    """The name of the migration before the app's latest one (None: it has only one)."""
    graph = executor().loader.graph
    leaf = next(node for node in graph.leaf_nodes() if node[0] == app)
    parents = [node for node in graph.node_map[leaf].parents if node.key[0] == app]
    return parents[0].key[1] if parents else None


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def tables_of(app: str) -> set[str]:
    return {m._meta.db_table for m in apps.get_app_config(app).get_models()
            if m._meta.managed and not m._meta.proxy}


class MigrationTestCase(TransactionTestCase):
    # The rows the migrations write (the default problem categories) come back after the
    # flush, for the tests that run after these.
    serialized_rollback = True

    def _fixture_teardown(self):
        # SQLite flushes with DELETE, which the audit table's triggers refuse.
        with audit_triggers_lifted():
            super()._fixture_teardown()

    def setUp(self):
        super().setUp()
        self.addCleanup(self.back_to_latest)
        clock = mock.patch("django.utils.timezone.now", return_value=MOMENT)
        clock.start()
        self.addCleanup(clock.stop)

    def back_to_latest(self):
        migrate(leaves())

    def assert_latest_schema(self):
        self.assertEqual(sorted(n for n in executor().loader.applied_migrations
                                if n[0] in PROJECT_APPS and n in set(leaves())), leaves())
        present = tables()
        for app in PROJECT_APPS:
            self.assertLessEqual(tables_of(app), present, app)
        # The migrations describe the models exactly (what `makemigrations --check` says).
        loader = executor().loader
        with translation.override(None):  # as makemigrations compares them
            changes = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(
                apps)).changes(graph=loader.graph)
        self.assertEqual({app: ops for app, ops in changes.items() if app in PROJECT_APPS}, {})

    def assert_audit_is_append_only(self):
        event = event_record(actor=None, action="migrations.check", params={"n": 1})
        for statement in (lambda: Event.objects.filter(pk=event.pk).update(action="changed"),
                          lambda: Event.objects.filter(pk=event.pk).delete()):
            with self.assertRaises(DatabaseError), transaction.atomic():
                statement()
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
        self.assertIn("intact", out.getvalue())


class FromEmptyTests(MigrationTestCase):
    def test_every_app_to_zero_and_back(self):
        # Each app goes to zero with what depends on it, here all of them at once: every
        # migration is reversed, then applied to the empty database. (One app at a time
        # costs Django's state rendering over the whole plan for each: too slow to keep.)
        migrate([(app, None) for app in PROJECT_APPS])
        present = tables()
        for app in PROJECT_APPS:
            self.assertFalse(tables_of(app) & present, app)
        migrate(leaves())
        self.assert_latest_schema()
        self.assertEqual(ProblemCategory.objects.filter(committee=None).count(), 7)
        self.assert_audit_is_append_only()


def snapshot(app: str, state_apps=None) -> dict[str, dict]:
    """Every stored value of the app's tables by model and primary key, as the models of
    ``state_apps`` (default: the current code) see them."""
    registry = state_apps or apps
    rows = {}
    for model in registry.get_app_config(app).get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if f.get_internal_type() != "SearchVectorField"]
        rows[model._meta.label_lower] = {row[0]: dict(zip(fields, row, strict=True)) for row in
                                         model._base_manager.values_list(*fields)}
    return rows


#: What a migration rebuilds rather than keeps: compared with rules of their own below.
DERIVED = {"petitions.petitionband": None, "petitions.petition": {"search_text"}}
#: Petitions go back further than one step: before the data migration that fills the
#: identity masks and rebuilds the search index and the duplicate keys (0004_reindex).
#: Rectification likewise: its previous migration (0002) needs findings 0005, which needs
#: petitions 0006 — gone with petitions' way back — so it goes back to 0001.
OLDEST = {"petitions": "0002_postgres_search", "rectification": "0001_initial"}


class PreviousReleaseTests(MigrationTestCase):
    """Rows written under the previous release survive the upgrade to the current one."""

    def setUp(self):
        super().setUp()
        World.build(self)
        self.inspection = stationed_inspection(self)
        self.reporter = identity.Reporter(name="李明华", phone="13912348888",
                                          id_number="360102199001011234", address="东湖区湖滨路1号")
        self.named = petitions.petition_intake(
            actor=self.office, committee=self.county, channel="phone", content=TEXT,
            unit=self.unit_edu, received_at=MOMENT, reporter=self.reporter,
            subjects=[{"name": "王建国", "position": "局长", "unit": self.unit_edu}])
        self.online, _receipt = petitions.petition_submit_public(inspection=self.inspection,
                                                                 content=OTHER)
        self.problem = signed_problem(self, self.inspection)
        self.problem.petitions.add(self.named)

    def test_every_app_upgrades_from_its_previous_release(self):
        # All of them back at once: one way back (Django renders the states of the whole
        # plan for each way back; one per app would take minutes). A previous migration that
        # needs another app's latest one goes too (findings 0004 needs petitions 0006).
        upgraded = [app for app in PROJECT_APPS if previous(app)]
        self.assertLessEqual({"accounts", "audit", "findings", "petitions"}, set(upgraded))
        migrate([(app, OLDEST.get(app) or previous(app)) for app in upgraded])
        applied = executor().loader.applied_migrations
        self.assertFalse({node for node in leaves() if node[0] in upgraded} & set(applied))
        self.assertNotIn(("petitions", "0003_identity_masks_constraints"), applied)
        old = historical_apps()

        # Rows written by the old code, next to those the current code wrote: an account
        # without the newer columns, an audit event with no triggers in place, a problem, and
        # a named petition with no masks, no search text and no duplicate keys.
        old.get_model("accounts", "User").objects.create(
            username="legacy", role="office", committee_id=self.county.pk, display_name="旧账号",
            password=self.office.password, is_active=True)
        events = list(Event.objects.order_by("seq").values_list("seq", "action", "hash"))
        event_record(actor=self.office, action="legacy.event", params={"old": True})
        clones = {}
        for app, model, pk, changes in (
                ("findings", "Problem", self.problem.pk, {"title": "旧版本录入的问题",
                                                          "sequence": self.problem.sequence + 1}),
                ("petitions", "Petition", self.named.pk, {
                    "content": LAND, "received_at": MOMENT - datetime.timedelta(days=1)})):
            historical = old.get_model(app, model)
            row = historical.objects.filter(pk=pk).values().get()
            for name in ("id", "receipt_hash", "search_vector"):
                row.pop(name, None)
            clones[model] = historical.objects.create(**(row | changes)).pk
        old.get_model("petitions", "PetitionSubject").objects.create(
            petition_id=clones["Petition"], name="赵某", position="", unit_name="")
        old.get_model("petitions", "Petition").objects.update(search_text="")
        old.get_model("petitions", "PetitionBand").objects.all().delete()
        before = {app: snapshot(app, old) for app in upgraded}

        migrate(leaves())
        self.assert_latest_schema()
        for app in upgraded:  # every value of the old release is still there
            after = snapshot(app)
            for label, rows in before[app].items():
                derived = DERIVED.get(label, set())
                if derived is None:
                    continue
                for pk, values in rows.items():
                    with self.subTest(row=f"{label} {pk}"):
                        self.assertIn(pk, after.get(label, {}))
                        self.assertEqual({name: after[label][pk][name] for name in values
                                          if name not in derived},
                                         {name: value for name, value in values.items()
                                          if name not in derived})

        user = User.objects.get(username="legacy")
        self.assertEqual((user.role, user.committee_id), ("office", self.county.pk))
        self.assertTrue(user.check_password("Correct-Horse-42"))
        self.assertTrue(User.objects.get(pk=self.office.pk).check_password("Correct-Horse-42"))
        after_events = list(Event.objects.order_by("seq").values_list("seq", "action", "hash"))
        self.assertEqual(after_events[:len(events)], events)
        self.assertEqual(after_events[-1][1], "legacy.event")
        self.assert_audit_is_append_only()  # the triggers are back, the hash chain intact
        self.assertEqual(Problem.objects.get(pk=clones["Problem"]).title, "旧版本录入的问题")
        self.assertEqual(ProblemCategory.objects.filter(committee=None).count(), 7)
        self.assert_reindexed([self.named.pk, self.online.pk, clones["Petition"]],
                              named=[self.named.pk, clones["Petition"]])
        self.assertIsNone(Petition.objects.get(pk=clones["Petition"]).receipt_hash)
        self.assertEqual(Petition.objects.get(pk=self.online.pk).receipt_hash,
                         self.online.receipt_hash)

    def assert_reindexed(self, pks: list[int], *, named: list[int]) -> None:
        """0004_reindex rebuilt the search text (SQLite) or vector (PostgreSQL) and the
        duplicate keys of every petition, and filled the masks of the named ones."""
        for petition in Petition.objects.filter(pk__in=pks):
            with self.subTest(petition=petition.pk):
                names = list(PetitionSubject.objects.filter(petition=petition)
                             .values_list("name", flat=True))
                self.assertTrue(PetitionBand.objects.filter(petition_id=petition.pk).exists())
                if connection.vendor == "postgresql":
                    self.assertIsNotNone(petition.search_vector)
                else:
                    self.assertEqual(petition.search_text, fts.document_text(
                        petition.content + "\n" + "\n".join(names)))
        masks = identity.masks(self.reporter)
        for petition in Petition.objects.filter(pk__in=named):
            self.assertEqual({name: getattr(petition, name) for name in masks}, masks)
            self.assertEqual(fieldcrypto.decrypt(petition.reporter_phone), "13912348888")
