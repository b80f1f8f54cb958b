from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list_view, name="list"),
    path("new/", views.intake_view, name="intake"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template_view, name="import_template"),
    path("<int:pk>/", views.petition_detail_view, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.petition_action_view, name="action"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment_view, name="attachment"),
    path("reveal/", views.reveal_list_view, name="reveal_list"),
    path("reveal/<int:pk>/show/", views.reveal_show_view, name="reveal_show"),
    path("reveal/<int:pk>/<slug:decision>/", views.reveal_decide_view, name="reveal_decide"),
]
