from django.urls import path

from . import views

urlpatterns = [
    path("n/<str:code>/", views.public_notice_view, name="notice"),
    path("n/<str:code>/qr.png", views.public_qr_view, name="qr"),
]
