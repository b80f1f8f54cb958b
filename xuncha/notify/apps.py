from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "xuncha.notify"
    label = "notify"
