"""Every route is either protected or on an explicit public list (fail closed)."""

from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

from xuncha.api import api
from xuncha.web.access import PUBLIC, PUBLIC_API_OPERATIONS

#: Page routes anyone may open. Adding to this list is a security decision.
PUBLIC_ROUTES = {
    "accounts:login",
    "accounts:login_2fa",
    "web:set_language",
    "web:health",
}
PUBLIC_PREFIXES = ("public:",)  # the citizen-facing app (reporting, receipts, notices)


def walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else str(p.pattern), p.callback


class RouteProtectionTests(SimpleTestCase):
    def test_every_page_route_declares_its_access(self):
        undeclared, unexpected_public = [], []
        for name, view in walk(get_resolver().url_patterns):
            access = getattr(view, "xuncha_access", None)
            if access == "api" or name.startswith("api:"):
                continue
            if access is None:
                undeclared.append(name)
            elif access == PUBLIC and name not in PUBLIC_ROUTES and not name.startswith(
                    PUBLIC_PREFIXES):
                unexpected_public.append(name)
        self.assertEqual(undeclared, [], "routes without an access decorator")
        self.assertEqual(unexpected_public, [], "public routes not on the public list")

    def test_public_routes_are_really_public(self):
        found = {name for name, view in walk(get_resolver().url_patterns)
                 if getattr(view, "xuncha_access", None) == PUBLIC}
        self.assertTrue(PUBLIC_ROUTES <= found, PUBLIC_ROUTES - found)

    def test_every_api_operation_needs_a_token_unless_listed(self):
        open_ops = []
        for router in api._get_bound_routers():
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    name = f"{operation.view_func.__module__}.{operation.view_func.__name__}"
                    if not operation.auth_callbacks and name not in PUBLIC_API_OPERATIONS:
                        open_ops.append(name)
                    if name in PUBLIC_API_OPERATIONS and operation.auth_callbacks:
                        open_ops.append(f"{name} is listed public but requires auth")
        self.assertEqual(open_ops, [])
