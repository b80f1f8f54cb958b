"""The rules of docs/architecture.md, checked on the source (AST, not text search)."""

import ast
import re
from pathlib import Path

from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]  # the xuncha package
SKIP_PARTS = {"migrations", "tests", "e2e", "bench"}

#: Attributes that carry who a person is; only access modules and selectors read them.
PERMISSION_FACTS = {"role", "receiver_body", "is_office_admin", "is_office_head", "is_custodian"}
#: Modules that may read them besides ``*/access.py`` and ``*/selectors.py``: the accounts
#: app administers these very fields.
FACT_READERS = {"accounts/models.py", "accounts/services.py", "accounts/forms.py",
                "accounts/api.py", "accounts/views.py"}
REFUSALS = {"DomainError", "Forbidden", "NotFound", "Conflict"}


def app_modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & set(rel.parts):
            continue
        yield rel, ast.parse(path.read_text(), filename=str(path))


def is_view_or_api(rel: Path) -> bool:
    return rel.name in ("views.py", "api.py") or "views" in rel.parts[:-1] or (
        rel.parts[0] == "web" and rel.name == "home.py")


def module_name(rel: Path) -> str:
    parts = ("xuncha", *rel.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class LayoutTests(SimpleTestCase):
    def test_views_and_api_read_through_selectors_and_access(self):
        found = []
        for rel, tree in app_modules():
            if not is_view_or_api(rel):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in (
                        "objects", "_default_manager", "_base_manager"):
                    found.append(f"{rel}:{node.lineno}")
        self.assertEqual(found, [], "model managers used in views or API modules")

    def test_permission_facts_are_read_only_in_access_modules(self):
        found = []
        for rel, tree in app_modules():
            if rel.name in ("access.py", "selectors.py") or rel.as_posix() in FACT_READERS:
                continue
            for node in ast.walk(tree):
                if (isinstance(node, ast.Attribute) and node.attr in PERMISSION_FACTS
                        and isinstance(node.ctx, ast.Load)):
                    found.append(f"{rel}:{node.lineno} .{node.attr}")
        self.assertEqual(found, [], "who-may decisions outside access.py")

    def test_templates_ask_the_view_not_the_role(self):
        pattern = re.compile(r"\.({})\b".format("|".join(sorted(PERMISSION_FACTS))))
        found = []
        for path in sorted(ROOT.rglob("templates/**/*.html")):
            rel = path.relative_to(ROOT)
            if rel.parts[0] == "accounts":  # shows accounts' roles as data
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{rel}:{number}")
        self.assertEqual(found, [], "templates deciding on roles")

    def test_no_import_circles(self):
        graph: dict[str, set[str]] = {}
        for rel, tree in app_modules():
            name = module_name(rel)
            package = name if rel.name == "__init__.py" else name.rsplit(".", 1)[0]
            edges = graph.setdefault(name, set())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                        + ([base] if base else []))
                    for alias in node.names:
                        edges.add(f"{base}.{alias.name}")
                        edges.add(base)
                elif isinstance(node, ast.Import):
                    edges.update(alias.name for alias in node.names)
        graph = {n: {e for e in es if e in graph and e != n} for n, es in graph.items()}
        # Packages stand for their __init__ only; an app package importing its own modules
        # is no circle, so edges into a package from inside it are dropped.
        cycles = []
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()

        def strongconnect(v: str) -> None:  # Tarjan
            index[v] = low[v] = len(index)
            stack.append(v)
            on_stack.add(v)
            for w in graph[v]:
                if w not in index:
                    strongconnect(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))

        for v in sorted(graph):
            if v not in index:
                strongconnect(v)
        self.assertEqual(cycles, [], "modules that import each other (also inside functions)")

    def test_no_module_past_800_lines(self):
        long = [f"{rel}: {len((ROOT / rel).read_text().splitlines())}"
                for rel, _tree in app_modules()
                if len((ROOT / rel).read_text().splitlines()) > 800]
        self.assertEqual(long, [])

    def test_one_view_per_action(self):
        """No URL routes several actions through one view by an ``action`` parameter."""

        def walk(patterns):
            for p in patterns:
                if isinstance(p, URLResolver):
                    yield from walk(p.url_patterns)
                elif isinstance(p, URLPattern):
                    yield p

        dispatchers = [str(p.pattern) for p in walk(get_resolver().url_patterns)
                       if "action" in p.pattern.regex.groupindex]
        self.assertEqual(dispatchers, [])

    def test_refusals_are_checked_for_their_reason(self):
        """``assertRaises(DomainError)`` passes on any refusal; tests name the reason."""
        found = []
        for path in sorted(ROOT.rglob("tests/test_*.py")):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "assertRaises" and node.args
                        and isinstance(node.args[0], ast.Name)
                        and node.args[0].id in REFUSALS):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        self.assertEqual(found, [], "use assertRefused(code=..., message=...)")
