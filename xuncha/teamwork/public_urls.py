from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:code>/", views.public_supervise_view, name="supervise"),
]
