from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "xuncha.stats"
    label = "stats"

    def ready(self) -> None:
        from . import hooks

        hooks.install()
