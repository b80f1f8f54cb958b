from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.action_view, name="action"),
    path("<int:pk>/ballot-<str:code>.docx", views.ballot_docx_view, name="ballot_docx"),
    path("<int:pk>/paper/", views.paper_view, name="paper"),
    path("<int:pk>/paper/<int:sheet_pk>/", views.resolve_view, name="resolve"),
    path("<int:pk>/results/", views.results_view, name="results"),
]
