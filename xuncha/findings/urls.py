from django.urls import path

from . import views

app_name = "findings"
urlpatterns = [
    path("inspection/<int:pk>/activities/new/", views.activity_create_view,
         name="activity_create"),
    path("inspection/<int:pk>/problems/new/", views.problem_create_view, name="problem_create"),
    path("inspection/<int:pk>/clues/new/", views.clue_create_view, name="clue_create"),
    path("inspection/<int:pk>/reports/new/", views.report_create_view, name="report_create"),
    path("inspection/<int:pk>/feedback/new/", views.feedback_create_view,
         name="feedback_create"),
    path("activities/<int:pk>/", views.activity_detail_view, name="activity_detail"),
    path("activities/<int:pk>/record/", views.activity_record_upload_view,
         name="activity_record_upload"),
    path("activities/<int:pk>/record/download/", views.activity_record_download_view,
         name="activity_record_download"),
    path("problems/<int:pk>/", views.problem_detail_view, name="problem_detail"),
    path("problems/<int:pk>/edit/", views.problem_edit_view, name="problem_edit"),
    path("problems/<int:pk>/do/<slug:action>/", views.problem_action_view,
         name="problem_action"),
    path("problems/<int:pk>/files/<int:file_pk>/", views.problem_file_view,
         name="problem_file"),
    path("library/", views.library_view, name="library"),
    path("clues/", views.clue_list_view, name="clue_list"),
    path("clues/<int:pk>/", views.clue_detail_view, name="clue_detail"),
    path("clues/<int:pk>/open/", views.clue_open_view, name="clue_open"),
    path("clues/<int:pk>/do/<slug:action>/", views.clue_action_view, name="clue_action"),
    path("reports/<int:pk>/", views.report_detail_view, name="report_detail"),
    path("reports/<int:pk>/do/<slug:action>/", views.report_action_view, name="report_action"),
    path("reports/<int:pk>/v<int:number>.docx", views.report_docx_view, name="report_docx"),
    path("feedback/<int:pk>/", views.feedback_detail_view, name="feedback_detail"),
    path("feedback/<int:pk>/opinion.docx", views.feedback_docx_view, name="feedback_docx"),
]
