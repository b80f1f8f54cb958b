from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the platform rather than using it: backup and restore, the demo and the bench
    data sets, the processes beside the web server, the deployment checks. No models, no
    pages; it contributes nothing to ``xuncha.web.registry`` and reads it only to seed the
    demo and to schedule the periodic jobs."""

    name = "xuncha.ops"
    label = "ops"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
