"""How the apps plug into the shell and into one another: the one registry.

Every contributing app has a ``hooks.py`` that *declares* what it adds, as module-level
constants; nothing is appended to a shared list at start-up, so the result does not depend
on ``INSTALLED_APPS`` order or on which module was imported first:

``NAV``
    ``NavEntry`` rows: a section key (one of ``SECTIONS``), a label, a URL name and the
    ``can_*`` rule from the app's ``access.py`` that decides who sees the entry; the view
    behind it is gated by the same rule.
``HOME_PANELS``
    ``panel(user) -> dict | None``: the home page's panels (a template and its context).
``INSPECTION_SECTIONS``
    ``section(request, inspection) -> dict | None``: panels of the inspection page.
``DEADLINES``
    ``provider(user, today) -> list[Deadline]``: the clocks of "my deadlines".
``TODO``
    ``provider(user) -> list[TodoItem]`` (``xuncha/todo/items.py``): the steps that wait on
    the user or their body, built from the query forms of the app's ``access.py``.
``TODO_COUNTS``
    ``queries(user) -> list[QuerySet]``: the query forms behind the app's ``TODO`` items, one
    per kind; the top bar counts them in one query without building the items.
``DEMO_STEPS``
    ``step(demo)``: what the app adds to the demo data (``xuncha seed-demo``).
``PERIODIC``
    ``PeriodicJob`` rows that ``xuncha scheduler`` enqueues.

``APPS`` fixes the order in which contributions are shown and run: an app's steps come
after those of the apps it builds on (petitions before findings, so problems can cite
petitions in the demo; the petitions panel leads the inspection page).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from django.utils.translation import gettext_lazy as _

#: Contributing apps, in the order their contributions are used.
APPS: tuple[str, ...] = (
    "xuncha.web",
    "xuncha.todo",  # contributes only its menu entry, right after Home
    "xuncha.accounts",
    "xuncha.audit",
    "xuncha.organizations",
    "xuncha.inspections",
    "xuncha.petitions",
    "xuncha.findings",
    "xuncha.rectification",
    "xuncha.evaluations",
    "xuncha.teamwork",  # the team's own conduct: pledges, reports about the team
    "xuncha.announcements",
    "xuncha.stats",
    "xuncha.notify",  # reminders over everyone's to-do: after every app it reads
)

#: The menu's sections, in the order they are shown.
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("work", _("Work")),
    ("inspections", _("Inspections")),
    ("petitions", _("Petitions")),
    ("clues", _("Clues")),
    ("rectification", _("Rectification")),
    ("evaluations", _("Evaluations")),
    ("organization", _("Organization")),
    ("administration", _("Administration")),
)


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: Any
    url_name: str
    #: ``rule(user=...) -> bool`` from the app's ``access.py``; the page's view uses it too.
    visible: Callable[..., bool]


def _hooks_modules() -> Iterator[ModuleType]:
    for app in APPS:
        try:
            yield import_module(f"{app}.hooks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.hooks":
                raise


@cache
def _collected(name: str) -> tuple[Any, ...]:
    items: list[Any] = []
    for module in _hooks_modules():
        items.extend(getattr(module, name, ()))
    return tuple(items)


def nav_entries() -> tuple[NavEntry, ...]:
    entries = _collected("NAV")
    keys = [key for key, _label in SECTIONS]
    unknown = {e.section for e in entries} - set(keys)
    if unknown:
        raise LookupError(f"Menu sections not in registry.SECTIONS: {sorted(unknown)}")
    return tuple(sorted(entries, key=lambda e: keys.index(e.section)))  # stable: app order kept


def home_panels() -> tuple[Callable[..., Any], ...]:
    return _collected("HOME_PANELS")


def inspection_sections() -> tuple[Callable[..., Any], ...]:
    return _collected("INSPECTION_SECTIONS")


def deadline_providers() -> tuple[Callable[..., Any], ...]:
    return _collected("DEADLINES")


def todo_providers() -> tuple[Callable[..., Any], ...]:
    return _collected("TODO")


def todo_counters() -> tuple[Callable[..., Any], ...]:
    return _collected("TODO_COUNTS")


def demo_steps() -> tuple[Callable[..., Any], ...]:
    return _collected("DEMO_STEPS")


def periodic_jobs() -> tuple[Any, ...]:
    return _collected("PERIODIC")
