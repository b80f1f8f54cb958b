from django.urls import path

from . import views

app_name = "announcements"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/apply/", views.apply_view, name="apply"),
]
