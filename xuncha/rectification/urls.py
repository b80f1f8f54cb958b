from django.urls import path

from . import views

app_name = "rectification"
urlpatterns = [
    path("inspection/<int:pk>/", views.overview_view, name="overview"),
    path("inspection/<int:pk>/do/<slug:action>/", views.action_view, name="action"),
    path("inspection/<int:pk>/ledger.xlsx", views.ledger_export_view, name="ledger_export"),
    path("inspection/<int:pk>/ledger/import/", views.ledger_import_view, name="ledger_import"),
    path("plan-versions/<int:pk>/file/", views.plan_file_view, name="plan_file"),
    path("measures/", views.measure_list_view, name="measure_list"),
    path("measures/<int:pk>/", views.measure_detail_view, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_edit_view, name="measure_edit"),
    path("measures/<int:pk>/do/<slug:action>/", views.measure_action_view,
         name="measure_action"),
    path("measures/<int:pk>/evidence/<int:file_pk>/", views.evidence_view, name="evidence"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("notifications/read/", views.notifications_read_view, name="notifications_read"),
]
