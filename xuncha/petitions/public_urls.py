from django.urls import path

from . import views

urlpatterns = [
    path("r/<str:code>/", views.public_report_view, name="report"),
    path("receipt/", views.public_receipt_view, name="receipt"),
    path("receipt/add/", views.public_add_view, name="receipt_add"),
]
