from django.urls import path

from . import views

app_name = "todo"
urlpatterns = [
    path("", views.todo_list_view, name="list"),
    path("done/", views.todo_done_view, name="done"),
]
