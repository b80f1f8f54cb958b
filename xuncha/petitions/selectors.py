"""Reads of petitions. Only the committee's office and the team of the petition's
inspection see a petition at all; everyone else (liaisons, receivers, the leading group,
oversight, other teams, other committees) gets the same 404 as for a missing one."""

import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from xuncha.accounts.access import has_role, is_custodian_of, is_office_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role

from . import search as fts
from .models import Petition, PetitionSubject, RevealRequest, Route


def _committee_param(committee_id: int) -> int | RawSQL:
    """The committee as a query parameter the PostgreSQL planner cannot peek at.

    With the literal id, the planner trusts its (far too low) estimate of how many
    petitions a search phrase matches province-wide and reads all of them before keeping
    the committee's: 340 ms for ``宅基地审批`` on the province set. As ``(SELECT id)`` the
    committee becomes a parameter; the planner then puts it into the same GIN index scan
    (``petition_committee_search_gin``) and reads only the committee's matches: 6–25 ms.
    Committees are of similar size, so the generic estimate is the right one anyway.
    """
    if connection.vendor == "postgresql":
        return RawSQL("(SELECT %s::bigint)", (committee_id,))
    return committee_id


def petitions_visible_to(*, user: User) -> QuerySet[Petition]:
    if not getattr(user, "is_authenticated", False):
        return Petition.objects.none()
    if user.committee_id and is_office_of(user=user, committee_id=user.committee_id):
        return Petition.objects.filter(committee_id=_committee_param(user.committee_id))
    if has_role(user, Role.TEAM) and user.inspector_id:
        # The team's own queue only: late petitions go to the regular petition office and
        # the office's queue is not the team's.
        return Petition.objects.filter(
            route=Route.INSPECTION,
            inspection__team__members__inspector_id=user.inspector_id)
    return Petition.objects.none()


def petitions_for_page(*, user: User) -> QuerySet[Petition]:
    """The visible petitions with what a petition's page shows."""
    return petitions_visible_to(user=user).select_related(
        "inspection__unit", "inspection__team__round__committee", "unit", "triaged_by",
        "duplicate_of", "committee", "transfer", "created_by")


def visible_duplicate_candidates(petition: Petition, *, user: User) -> list[int]:
    """The ids of the petition's stored possible duplicates that ``user`` may open. A
    candidate the user may not open (one in the office's queue, for a team) is neither
    shown nor counted: nobody learns that it exists."""
    ids = [d["id"] for d in petition.possible_duplicates or []]
    if not ids:
        return []
    visible = set(petitions_visible_to(user=user).filter(pk__in=ids)
                  .values_list("pk", flat=True))
    return [pk for pk in ids if pk in visible]


def rows_with_visible_duplicates(rows: Iterable[Petition], *, user: User) -> set[int]:
    """The ids of those ``rows`` (one page of a list) that have a stored possible duplicate
    ``user`` may open: the list flags only these (one query for the page)."""
    rows = list(rows)
    ids = {d["id"] for p in rows for d in p.possible_duplicates or []}
    if not ids:
        return set()
    visible = set(petitions_visible_to(user=user).filter(pk__in=ids)
                  .values_list("pk", flat=True))
    return {p.pk for p in rows if any(d["id"] in visible for d in p.possible_duplicates or [])}


def petition_reloaded(petition: Petition) -> Petition:
    """``petition`` as stored after a write, with its transfer — also when the write took
    it out of the writer's queue (a team member's late petition)."""
    return Petition.objects.select_related("transfer").get(pk=petition.pk)


def search(qs: QuerySet[Petition], q: str) -> QuerySet[Petition]:
    """Petitions whose text contains every run of the query (see ``search.py``)."""
    q = (q or "").strip()
    if not q:
        return qs
    if connection.vendor == "postgresql":
        tsquery, singles = fts.parse_query(q)
        if not tsquery and not singles:
            return qs.none()
        if tsquery:
            qs = qs.alias(matched=RawSQL(
                "petitions_petition.search_vector @@ to_tsquery('simple', %s)", [tsquery],
                output_field=BooleanField())).filter(matched=True)
        for char in singles:
            qs = qs.filter(content__contains=char)
        return qs
    parts = fts.query_runs(q)
    if not parts:
        return qs.none()
    for part in parts:
        qs = qs.filter(search_text__contains=part)
    return qs


def subject_match(name: str) -> QuerySet[PetitionSubject]:
    """Subjects whose name contains ``name``; on PostgreSQL also names similar to it
    (pg_trgm, for a mistyped character in a three-character name)."""
    name = name.strip()[:64]
    subjects = PetitionSubject.objects.all()
    if connection.vendor == "postgresql" and len(name) >= 3:
        return subjects.filter(Q(name__contains=name) | Q(pk__in=RawSQL(
            "SELECT id FROM petitions_petitionsubject WHERE name %% %s", [name])))
    return subjects.filter(name__contains=name)


def petitions_filter(qs: QuerySet[Petition], *, q: str = "", inspection: int | None = None,
                     channel: str = "", category: str = "", status: str = "", route: str = "",
                     subject: str = "", date_from: datetime.date | None = None,
                     date_to: datetime.date | None = None) -> QuerySet[Petition]:
    if inspection:
        qs = qs.filter(inspection_id=inspection)
    if channel:
        qs = qs.filter(channel=channel)
    if category:
        qs = qs.filter(Q(category=category) | Q(transfer_category=category))
    if status:
        qs = qs.filter(status=status)
    if route:
        qs = qs.filter(route=route)
    if subject and subject.strip():
        # A semi-join on the subjects that match (no DISTINCT over the petitions).
        qs = qs.filter(pk__in=subject_match(subject).values("petition_id"))
    if date_from:
        qs = qs.filter(received_at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(received_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return search(qs, q)


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight in the platform's time zone (a range on ``received_at`` keeps its index)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def reveal_requests_for(*, user: User) -> QuerySet[RevealRequest]:
    """Custodians: every request of their committee. Other office staff and team members:
    their own requests."""
    if is_custodian_of(user=user, committee_id=user.committee_id):
        return reveal_requests_for_custodian(user=user)
    if has_role(user, Role.OFFICE, Role.TEAM):
        return reveal_requests_by(user=user)
    return RevealRequest.objects.none()


def reveal_requests_for_custodian(*, user: User) -> QuerySet[RevealRequest]:
    """Every request of the committee of which the user is an identity custodian."""
    committee_id = user.committee_id
    if committee_id is not None and is_custodian_of(user=user, committee_id=committee_id):
        return RevealRequest.objects.filter(petition__committee_id=committee_id)
    return RevealRequest.objects.none()


def reveal_requests_by(*, user: User) -> QuerySet[RevealRequest]:
    """The user's own requests."""
    return RevealRequest.objects.filter(requested_by=user)
