from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("export.xlsx", views.export_xlsx_view, name="export_xlsx"),
    path("report.docx", views.export_docx_view, name="export_docx"),
    path("measures/", views.measure_list_view, name="measure_list"),
    path("measures/<int:pk>/", views.measure_detail_view, name="measure_detail"),
]
