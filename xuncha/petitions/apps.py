from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "xuncha.petitions"
    label = "petitions"
