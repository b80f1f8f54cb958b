"""Reads of the channels' settings and logs, scoped to the reader, and the lists of people
the sweep writes to.

- an office administrator reads the robots and deliveries of their own committee (the
  office page); nobody else reads them;
- everyone reads their own e-mail choice.
"""

from django.db.models import QuerySet

from xuncha.accounts.access import is_office_admin_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.models import Team

from .models import Delivery, EmailChoice, Preference, Webhook


def _administered_committee(user: User) -> int | None:
    committee_id = user.committee_id
    if committee_id is not None and is_office_admin_of(user=user, committee_id=committee_id):
        return committee_id
    return None


def webhooks_visible_to(*, user: User) -> QuerySet[Webhook]:
    committee_id = _administered_committee(user)
    if committee_id is None:
        return Webhook.objects.none()
    return (Webhook.objects.filter(committee_id=committee_id)
            .select_related("committee", "team__round__committee"))


def deliveries_visible_to(*, user: User) -> QuerySet[Delivery]:
    committee_id = _administered_committee(user)
    if committee_id is None:
        return Delivery.objects.none()
    return (Delivery.objects.filter(committee_id=committee_id)
            .select_related("webhook", "user"))


def teams_for_webhooks(*, user: User) -> QuerySet[Team]:
    """The teams whose group the office may connect: its own committee's, newest first."""
    committee_id = _administered_committee(user)
    if committee_id is None:
        return Team.objects.none()
    return (Team.objects.filter(round__committee_id=committee_id)
            .select_related("round__committee").order_by("-round__planned_start", "number"))


def email_choice_of(*, user: User) -> str:
    preference = Preference.objects.filter(user=user).first()
    return preference.email if preference else EmailChoice.NONE


# --- whom the sweep writes to (not scoped to a reader: the sweep runs for everyone) ---------


def accounts_to_remind() -> QuerySet[User]:
    """Every active account with a role in a committee (operators have no to-do), grouped
    by committee."""
    return (User.objects.filter(is_active=True, committee__isnull=False).exclude(role="")
            .select_related("committee").order_by("committee_id", "pk"))


def office_heads_of(committee_id: int) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.OFFICE, committee_id=committee_id,
                                    is_office_head=True).order_by("pk"))


def office_accounts_of(committee_id: int) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.OFFICE, committee_id=committee_id)
                .order_by("pk"))


def team_account_ids(team_id: int) -> set[int]:
    """The active accounts of the team's members (through their inspector records)."""
    return set(User.objects.filter(is_active=True, role=Role.TEAM,
                                   inspector__memberships__team_id=team_id)
               .values_list("pk", flat=True))


def email_choices(user_ids: list[int]) -> dict[int, str]:
    return dict(Preference.objects.filter(user_id__in=user_ids).values_list("user_id", "email"))


def digest_readers() -> QuerySet[User]:
    """Active accounts that chose the daily digest and have an address."""
    return (User.objects.filter(is_active=True, notify_preference__email=EmailChoice.DAILY)
            .exclude(email="").exclude(role="").order_by("pk"))


def active_webhooks_of(committee_id: int) -> list[Webhook]:
    return list(Webhook.objects.filter(committee_id=committee_id, is_active=True)
                .select_related("committee", "team__round__committee").order_by("pk"))
