"""Background jobs of the petitions app. They take plain arguments and may run twice."""

from django.db import transaction
from django_tasks import task

from .indexing import reindex
from .models import Petition


@task()
def index_petition_task(petition_id: int) -> None:
    """Search tokens, duplicate bands and possible duplicates of one petition (rebuilt from
    scratch, so running it twice changes nothing)."""
    with transaction.atomic():
        petition = Petition.objects.select_for_update().filter(pk=petition_id).first()
        if petition is not None:
            reindex(petition)
