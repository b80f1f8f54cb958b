from django.apps import AppConfig


class TeamworkConfig(AppConfig):
    name = "xuncha.teamwork"
    label = "teamwork"
