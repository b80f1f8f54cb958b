"""A petition's search document and duplicate band keys, written at staff intake, by the
background job for online reports (``tasks.index_petition_task``) and by ``reindex``."""

from collections.abc import Iterable

from django.db import connection

from . import dedup
from . import search as fts
from .duplicates import find_duplicates
from .models import Petition, PetitionBand


def index_petition(petition: Petition, subject_names: Iterable[str]) -> None:
    """Search tokens and duplicate bands, written with the petition (not in a signal); the
    possible duplicates found are stored on it."""
    text = fts.search_document(petition.content, subject_names)
    fts.search_index_write([(petition.pk, text)])
    if connection.vendor != "postgresql":
        petition.search_text = fts.document_text(text)
    normalized, keys = dedup.keys_for(petition.content)
    if keys:
        PetitionBand.objects.bulk_create([PetitionBand(petition_id=petition.pk,
                                                       committee_id=petition.committee_id,
                                                       key=k) for k in keys])
        petition.possible_duplicates = find_duplicates(petition, normalized=normalized,
                                                       keys=keys)
        if petition.possible_duplicates:
            Petition.objects.filter(pk=petition.pk).update(
                possible_duplicates=petition.possible_duplicates)


def reindex(petition: Petition) -> None:
    """Rebuild one petition's search text and bands (after a change of the algorithms)."""
    PetitionBand.objects.filter(petition_id=petition.pk).delete()
    index_petition(petition, petition.subjects.values_list("name", flat=True))
