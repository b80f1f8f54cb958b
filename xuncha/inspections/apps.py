from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "xuncha.inspections"
    label = "inspections"

    def ready(self) -> None:
        from . import hooks

        hooks.install()
