from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("rounds/", views.round_list_view, name="round_list"),
    path("rounds/new/", views.round_create_view, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail_view, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit_view, name="round_edit"),
    path("rounds/<int:pk>/<slug:action>/", views.round_action_view, name="round_action"),
    path("teams/<int:pk>/", views.team_detail_view, name="team_detail"),
    path("teams/<int:pk>/members/", views.member_add_view, name="member_add"),
    path("teams/<int:team_pk>/targets/new/", views.inspection_create_view,
         name="inspection_create"),
    path("members/<int:pk>/<slug:action>/", views.member_action_view, name="member_action"),
    path("load/", views.inspector_load_view, name="inspector_load"),
    path("", views.inspection_list_view, name="inspection_list"),
    path("<int:pk>/", views.inspection_detail_view, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit_view, name="inspection_edit"),
    path("<int:pk>/notice.docx", views.notice_docx_view, name="notice_docx"),
    path("<int:pk>/do/<slug:action>/", views.inspection_action_view, name="inspection_action"),
    path("channels/<int:pk>/remove/", views.channel_remove_view, name="channel_remove"),
    path("deadlines/", views.my_deadlines_view, name="my_deadlines"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/clocks/", views.clock_policy_view, name="clock_policy"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("timeline/", views.timeline_view, name="timeline"),
]
