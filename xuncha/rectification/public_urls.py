from django.urls import path

from . import views

urlpatterns = [
    path("notices/", views.public_notice_list_view, name="notice_list"),
    path("notices/<int:pk>/", views.public_notice_detail_view, name="notice_detail"),
]
