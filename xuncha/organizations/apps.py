from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "xuncha.organizations"
    label = "organizations"
