from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list_view, name="list"),
    path("new/", views.intake_view, name="intake"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template_view, name="import_template"),
    path("<int:pk>/", views.petition_detail_view, name="detail"),
    # One address and view per action on a petition.
    path("<int:pk>/do/accept/", views.petition_accept_view, name="accept_action"),
    path("<int:pk>/do/transfer/", views.petition_transfer_view, name="transfer_action"),
    path("<int:pk>/do/file/", views.petition_file_view, name="file_action"),
    path("<int:pk>/do/duplicate/", views.petition_duplicate_view, name="duplicate_action"),
    path("<int:pk>/do/late/", views.petition_mark_late_view, name="late_action"),
    path("<int:pk>/do/assign/", views.petition_assign_view, name="assign_action"),
    path("<int:pk>/do/ask/", views.petition_ask_view, name="ask_action"),
    path("<int:pk>/do/answer/", views.transfer_answer_view, name="answer_action"),
    path("<int:pk>/do/reveal/", views.reveal_request_view, name="reveal_action"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment_view, name="attachment"),
    path("reveal/", views.reveal_list_view, name="reveal_list"),
    path("reveal/<int:pk>/show/", views.reveal_show_view, name="reveal_show"),
    path("reveal/<int:pk>/approve/", views.reveal_approve_view, name="reveal_decide_approve"),
    path("reveal/<int:pk>/refuse/", views.reveal_refuse_view, name="reveal_decide_refuse"),
]
