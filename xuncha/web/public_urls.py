"""Pages for the public (no account): notices, the reporting form, receipts, published
rectification notices, online voting. Each app lists its public views in its own
``public_urls.py`` (every view there is @public); they share the ``public`` namespace."""

import importlib

app_name = "public"
urlpatterns: list = []
for _app in ("inspections", "petitions", "rectification", "evaluations", "teamwork"):
    try:
        _module = importlib.import_module(f"xuncha.{_app}.public_urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"xuncha.{_app}.public_urls":
            raise
        continue
    urlpatterns += _module.urlpatterns
