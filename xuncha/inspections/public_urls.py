from django.urls import path

from .views import inspections

urlpatterns = [
    path("n/<str:code>/", inspections.public_notice_view, name="notice"),
    path("n/<str:code>/qr.png", inspections.public_qr_view, name="qr"),
]
