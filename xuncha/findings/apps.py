from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "xuncha.findings"
    label = "findings"

    def ready(self) -> None:
        from . import hooks

        hooks.install()
