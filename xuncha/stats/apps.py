from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "xuncha.stats"
    label = "stats"
