from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "xuncha.rectification"
    label = "rectification"

    def ready(self) -> None:
        from . import hooks

        hooks.install()
