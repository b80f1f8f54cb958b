from django.urls import path

from . import views

urlpatterns = [
    path("notices/", views.public_notice_list_view, name="notice_list"),
    path("notices/<int:pk>/", views.public_notice_detail_view, name="notice_detail"),
    path("notices/<int:pk>/notice.docx", views.public_notice_docx_view, name="notice_docx"),
]
