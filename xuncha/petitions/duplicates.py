"""重复件: finding the petitions that say nearly the same thing (band keys find candidates,
the edit-distance ratio confirms them), and linking one as the duplicate of another."""

from collections.abc import Sequence
from typing import TypedDict

from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.lib.errors import DomainError
from xuncha.lib.textnorm import compact

from . import dedup
from .access import require_handler
from .models import Petition, PetitionBand, Status
from .triage import locked, require_new, triaged


class Duplicate(TypedDict):
    id: int
    ratio: float
    channel: str


def find_duplicates(petition: Petition, *, normalized: str | None = None,
                    keys: Sequence[int] | None = None, limit: int = 5) -> list[Duplicate]:
    """Other petitions of the same committee that say nearly the same thing, best first:
    ``[{"id", "ratio", "channel"}]``. Band keys find candidates; the edit-distance ratio
    confirms them."""
    if keys is None:
        normalized, keys = dedup.keys_for(petition.content)
    if not keys:
        return []
    candidates = (PetitionBand.objects.filter(committee_id=petition.committee_id, key__in=keys)
                  .exclude(petition_id=petition.pk).values("petition_id")
                  .annotate(bands=Count("key")).order_by("-bands", "-petition_id")[:20])
    ids = [c["petition_id"] for c in candidates]
    found: list[Duplicate] = []
    for other_id, content, channel in Petition.objects.filter(pk__in=ids).values_list(
            "pk", "content", "channel"):
        ratio = dedup.similarity(normalized or "", compact(content))
        if ratio >= dedup.CONFIRM:
            found.append({"id": other_id, "ratio": round(ratio, 1), "channel": channel})
    return sorted(found, key=lambda d: (-d["ratio"], d["id"]))[:limit]


@transaction.atomic
def petition_mark_duplicate(*, actor: User, petition: Petition, original: Petition,
                            note: str = "", version: int | None = None) -> Petition:
    """重复件: link to the original (the first of the chain) and merge the counts there —
    this petition's own duplicates move to the original too."""
    require_handler(user=actor, petition=petition)
    petition = locked(petition, version)
    require_new(petition)
    root = Petition.objects.select_for_update().get(pk=original.pk)
    seen = {root.pk}
    while root.duplicate_of_id:
        root = Petition.objects.select_for_update().get(pk=root.duplicate_of_id)
        if root.pk in seen:  # never expected; the constraint-free chain must not loop
            break
        seen.add(root.pk)
    if root.pk == petition.pk:
        raise DomainError(_("A petition cannot duplicate itself."), field="original")
    if root.committee_id != petition.committee_id:
        raise DomainError(_("The original belongs to another committee."), field="original")
    moved = petition.duplicate_count
    Petition.objects.filter(duplicate_of=petition).update(duplicate_of=root)
    Petition.objects.filter(pk=root.pk).update(duplicate_count=F("duplicate_count") + moved + 1)
    petition.duplicate_of, petition.duplicate_count = root, 0
    return triaged(actor, petition, Status.DUPLICATE, note, "petition.duplicate",
                   {"original": root.pk, "merged": moved + 1})
