from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("preferences/", views.preferences_view, name="preferences"),
    path("preferences/do/save/", views.preferences_save_view, name="preferences_save"),
    path("channels/", views.channels_view, name="channels"),
    path("channels/do/add/", views.webhook_add_view, name="webhook_add"),
    path("channels/do/remove/", views.webhook_remove_view, name="webhook_remove"),
    path("channels/do/test/", views.webhook_test_view, name="webhook_test"),
]
