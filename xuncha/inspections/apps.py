from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "xuncha.inspections"
    label = "inspections"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from .models import Inspection
        from .selectors import forget_public_code

        def forget(sender: type, instance: Inspection, **kwargs: object) -> None:
            # Not logic: drops this process's cached copy of a saved inspection's public page.
            forget_public_code(instance.public_code)

        post_save.connect(forget, sender=Inspection, weak=False,
                          dispatch_uid="inspections.forget_public_code")
