from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "xuncha.evaluations"
    label = "evaluations"
