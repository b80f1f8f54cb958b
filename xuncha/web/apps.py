from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xuncha.web"
    label = "web"
