from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "xuncha.announcements"
    label = "announcements"
