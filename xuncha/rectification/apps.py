from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "xuncha.rectification"
    label = "rectification"
