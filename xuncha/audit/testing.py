"""Test helpers: lift the append-only triggers, e.g. to simulate tampering or to flush a
live-server test database."""

import importlib
from contextlib import contextmanager

from django.db import connection


def _statements(direction: str) -> list[str]:
    module = importlib.import_module("xuncha.audit.migrations.0002_append_only")
    if connection.vendor == "postgresql":
        return [module.PG_DOWN if direction == "down" else module.PG_UP]
    return list(module.SQLITE_DOWN if direction == "down" else module.SQLITE_UP)


@contextmanager
def audit_triggers_lifted():
    with connection.cursor() as cursor:
        for statement in _statements("down"):
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in _statements("up"):
                cursor.execute(statement)
