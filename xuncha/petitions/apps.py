from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "xuncha.petitions"
    label = "petitions"

    def ready(self) -> None:
        from . import hooks

        hooks.install()
