from django.conf import settings
from django.urls import include, path

from xuncha.api import api, mark_api_views_public

urlpatterns = [
    path("", include("xuncha.web.urls")),
    path("todo/", include("xuncha.todo.urls")),
    path("accounts/", include("xuncha.accounts.urls")),
    path("org/", include("xuncha.organizations.urls")),
    path("audit/", include("xuncha.audit.urls")),
    path("inspections/", include("xuncha.inspections.urls")),
    path("petitions/", include("xuncha.petitions.urls")),
    path("findings/", include("xuncha.findings.urls")),
    path("rectification/", include("xuncha.rectification.urls")),
    path("evaluations/", include("xuncha.evaluations.urls")),
    path("teamwork/", include("xuncha.teamwork.urls")),
    path("announcements/", include("xuncha.announcements.urls")),
    path("stats/", include("xuncha.stats.urls")),
    path("notify/", include("xuncha.notify.urls")),
    path("p/", include("xuncha.web.public_urls")),
    path("api/v1/", api.urls),
]

# The API authenticates with bearer tokens itself (and keeps a few routes public), so the
# session-login middleware must not redirect its requests to the sign-in page.
mark_api_views_public(urlpatterns[-1])

if settings.XUNCHA_BENCH_ROOFS:  # the bench's minimal views (xuncha/ops/bench/roofs.py)
    urlpatterns.append(path("_bench/", include("xuncha.ops.bench.roofs")))

handler400 = "xuncha.web.views.bad_request"
handler403 = "xuncha.web.views.permission_denied"
handler404 = "xuncha.web.views.page_not_found"
handler500 = "xuncha.web.views.server_error"
