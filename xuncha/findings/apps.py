from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "xuncha.findings"
    label = "findings"
