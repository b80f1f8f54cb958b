from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("committees/", views.committee_list_view, name="committee_list"),
    path("committees/new/", views.committee_create_view, name="committee_create"),
    path("committees/<int:pk>/", views.committee_detail_view, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.committee_edit_view, name="committee_edit"),
    path("committees/<int:pk>/terms/new/", views.term_create_view, name="term_create"),
    path("terms/<int:pk>/edit/", views.term_edit_view, name="term_edit"),
    path("units/", views.unit_list_view, name="unit_list"),
    path("units/new/", views.unit_create_view, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail_view, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit_view, name="unit_edit"),
    path("units/<int:pk>/archive/", views.unit_archive_view, name="unit_archive"),
    path("units/<int:pk>/restore/", views.unit_restore_view, name="unit_restore"),
    path("units/<int:pk>/delete/", views.unit_delete_view, name="unit_delete"),
    path("cadres/", views.cadre_list_view, name="cadre_list"),
    path("cadres/new/", views.cadre_create_view, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail_view, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit_view, name="cadre_edit"),
    path("cadres/<int:pk>/archive/", views.cadre_archive_view, name="cadre_archive"),
    path("inspectors/", views.inspector_list_view, name="inspector_list"),
    path("inspectors/new/", views.inspector_create_view, name="inspector_create"),
    path("inspectors/<int:pk>/", views.inspector_detail_view, name="inspector_detail"),
    path("inspectors/<int:pk>/edit/", views.inspector_edit_view, name="inspector_edit"),
    path("inspectors/<int:pk>/archive/", views.inspector_archive_view, name="inspector_archive"),
    path("inspectors/<int:pk>/ties/", views.tie_add_view, name="tie_add"),
    path("inspectors/<int:pk>/ties/<int:tie_pk>/delete/", views.tie_delete_view,
         name="tie_delete"),
    path("import/<slug:kind>/", views.import_view, name="import"),
    path("import/<slug:kind>/template.xlsx", views.import_template_view, name="import_template"),
    path("export/<slug:kind>.xlsx", views.export_view, name="export"),
]
