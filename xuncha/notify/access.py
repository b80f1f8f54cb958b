"""Who configures the channels, and who is told when an item is late.

- ``can_open_channels`` / ``can_manage_channels_of``: a committee's office administrators
  configure its group robots (the office's group and each team's) and read the deliveries.
- ``can_open_preferences``: everyone with a to-do chooses their own e-mail.
- ``escalation_of``: up the chain the clocks define when an item is overdue —
  an office step goes to the committee's office head(s); a step of the unit's liaison
  (the plan, the report) goes to the committee's office. Measures' own deadlines are
  escalated by the ledger's sweep (``rectification.sweep``: handler → 分管领导 → 主要负责人
  by e-mail, the liaison and at red the office in the bell); ``ledger_covers`` tells the
  sweep to leave the bell to it.
"""

from xuncha.accounts.access import has_role, is_office_admin_of, is_office_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.lookup import get_or_404
from xuncha.todo.access import can_open_todo

from .models import Webhook
from .selectors import webhooks_visible_to
from .sources import RED, Item

#: Where an overdue item escalates.
OFFICE_HEADS = "office_heads"
OFFICE = "office"
#: The liaison's to-do kinds whose clock is an open measure's own deadline (the ledger's
#: sweep tells of them); ``measure_verification`` is the verifiers' step, not the unit's.
LEDGER_KINDS = frozenset({"measure_evidence", "measure_rework"})


def can_open_preferences(*, user: User) -> bool:
    """Everyone with a to-do chooses how to hear of it."""
    return can_open_todo(user=user)


def can_open_channels(*, user: User) -> bool:
    return can_manage_channels_of(user=user, committee_id=user.committee_id)


def can_manage_channels_of(*, user: User, committee_id: int | None) -> bool:
    """The committee's office administrators (not the platform operators: the groups and
    their keys are the office's own)."""
    return is_office_admin_of(user=user, committee_id=committee_id)


def can_manage_webhook(*, user: User, webhook: Webhook) -> bool:
    return can_manage_channels_of(user=user, committee_id=webhook.committee_id)


def access_webhook(*, user: User, pk: object) -> Webhook:
    return get_or_404(webhooks_visible_to(user=user), pk)


def is_office_group_member(*, user: User, committee_id: int) -> bool:
    """Whose to-do the office's group hears of: the committee's office."""
    return is_office_of(user=user, committee_id=committee_id)


def ledger_covers(*, user: User, item: Item) -> bool:
    """The unit's work on a measure: the ledger's sweep already rings the liaison's bell at
    each light and the office's at red."""
    return item.kind in LEDGER_KINDS and has_role(user, Role.LIAISON)


def escalation_of(*, user: User, item: Item) -> str | None:
    """Where ``item``, overdue on ``user``'s to-do, goes up the chain (or None)."""
    if item.level != RED or item.committee_id is None:
        return None
    if is_office_of(user=user, committee_id=item.committee_id):
        return OFFICE_HEADS
    if has_role(user, Role.LIAISON) and not ledger_covers(user=user, item=item):
        return OFFICE
    return None
