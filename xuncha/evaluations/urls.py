from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/do/group/", views.group_save_view, name="group_save"),
    path("<int:pk>/do/grades/", views.grades_save_view, name="grades_save"),
    path("<int:pk>/do/ballot-type/", views.ballot_type_save_view, name="ballot_type_save"),
    path("<int:pk>/do/open/", views.voting_open_view, name="voting_open"),
    path("<int:pk>/do/close/", views.voting_close_view, name="voting_close"),
    path("<int:pk>/do/codes/", views.codes_generate_view, name="codes_generate"),
    path("<int:pk>/ballot-<str:code>.docx", views.ballot_docx_view, name="ballot_docx"),
    path("<int:pk>/paper/", views.paper_view, name="paper"),
    path("<int:pk>/paper/<int:sheet_pk>/", views.resolve_view, name="resolve"),
    path("<int:pk>/results/", views.results_view, name="results"),
]
