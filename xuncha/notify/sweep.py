"""The reminder and escalation sweep over everyone's to-do (``xuncha.todo``).

For every active account, committee by committee:

- an item of the person's to-do whose light turns **yellow** (its clock nears) or **red**
  (overdue) reminds the person once per item, light and due date (``Reminder``): a bell
  notice naming the item, and an e-mail "3 items await you" if they chose one at each
  reminder. An item first seen red sends only red (the yellow is not sent late).
- a **red** item goes up the chain (``access.escalation_of``): an office step to the
  committee's office head(s), the liaison's plan or report to the office. Each recipient
  hears of each item once (a head who holds the item himself is not told twice).
- measures' own deadlines are the ledger's sweep's (``rectification.sweep``), which rings
  the liaison's bell at each light and the office's at red and e-mails the handler, the
  responsible leader and the principal: here they only count in the e-mails.
- each active group robot of the committee (the office's group, a team's group) hears
  "东湖区委巡察办: 3 new items, 1 overdue" when items appeared on its people's to-dos
  or turned red since it last heard (``GroupNotice``).

Idempotence: every reminder and group notice is a row under a unique constraint, inserted
(in a savepoint) before anything is said; a second run, or a second worker, finds it and
says nothing. Bell notices are written in the same transaction; e-mails and group messages
become ``Delivery`` rows there too and are sent after the commit by ``tasks.deliver_task``.
"""

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from xuncha.accounts.models import User

from . import selectors
from .access import OFFICE, OFFICE_HEADS, escalation_of, is_office_group_member, ledger_covers
from .inapp import bell_post
from .models import EmailChoice, GroupNotice, Reminder, Webhook
from .outbox import email_queue, webhook_queue
from .sources import RED, YELLOW, Item, Source, todo_items
from .texts import group_message, office_name, person_message

log = logging.getLogger("xuncha.notify")
KEY_LENGTH = 200
CHUNK = 500


@dataclass
class SweepResult:
    users: int = 0
    reminders: int = 0
    escalations: int = 0
    notices: int = 0
    group_messages: int = 0
    errors: int = 0
    #: ``Delivery`` ids to send once the sweep's transactions have committed.
    deliveries: list[int] = field(default_factory=list)


@dataclass
class _Told:
    """What one person is told in this run."""

    user: User
    own: int = 0
    escalated: int = 0


def stored_key(key: str) -> str:
    """An item's key as stored (long keys end in their digest, so they stay distinct)."""
    if len(key) <= KEY_LENGTH:
        return key
    return key[:KEY_LENGTH - 41] + "#" + hashlib.sha1(key.encode()).hexdigest()  # noqa: S324


def sweep(*, source: Source | None = None) -> SweepResult:
    """Remind, escalate and tell the groups, for every committee; one committee's failure
    (logged) leaves the others' reminders standing."""
    source = source or todo_items
    result = SweepResult()
    accounts = list(selectors.accounts_to_remind())
    for committee_id, group in groupby(accounts, key=lambda u: u.committee_id):
        if committee_id is None:
            continue
        try:
            _committee(committee_id, list(group), source, result)
        except Exception:
            log.exception("reminder sweep failed for committee %s", committee_id)
            result.errors += 1
    return result


class _Claims:
    """Reminders already sent (read once per committee), and claiming new ones."""

    def __init__(self, keys: set[str]):
        self.seen: set[tuple[int, str, str, object]] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), CHUNK):
            self.seen.update(Reminder.objects.filter(key__in=ordered[start:start + CHUNK])
                             .values_list("user_id", "key", "level", "due"))

    def claim(self, user: User, item: Item, *, escalation: bool) -> bool:
        assert item.due is not None  # only lit items (``_lit``) are claimed
        key = stored_key(item.key)
        mark = (user.pk, key, item.level, item.due)
        if mark in self.seen:
            return False
        self.seen.add(mark)
        try:
            with transaction.atomic():
                Reminder.objects.create(user=user, key=key, level=item.level, due=item.due,
                                        escalation=escalation)
        except IntegrityError:
            return False  # another worker told them first
        return True


def _lit(items: Sequence[Item]) -> list[Item]:
    return [i for i in items if i.level in (YELLOW, RED) and i.due is not None]


def _committee(committee_id: int, users: list[User], source: Source,
               result: SweepResult) -> None:
    items_of: dict[int, list[Item]] = {}
    for user in users:
        try:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                items_of[user.pk] = list(source(user))  # labels in the person's language
        except Exception:  # one person's to-do failing must not silence everyone else's
            log.exception("to-do of account %s could not be read", user.pk)
            result.errors += 1
    result.users += len(items_of)
    keys = {stored_key(i.key) for items in items_of.values() for i in _lit(items)}
    with transaction.atomic():
        claims = _Claims(keys)
        told: dict[int, _Told] = {}
        notices: list[tuple[User, str, str, str]] = []
        up: list[tuple[str, Item]] = []
        for user in users:
            for item in _lit(items_of.get(user.pk, [])):
                if claims.claim(user, item, escalation=False):
                    result.reminders += 1
                    told.setdefault(user.pk, _Told(user)).own += 1
                    if not ledger_covers(user=user, item=item):
                        notices.append((user, _notice(item, user, escalated=False), item.url,
                                        item.level))
                where = escalation_of(user=user, item=item)
                if where:
                    up.append((where, item))
        targets: dict[tuple[str, int], list[User]] = {}
        for where, item in up:
            assert item.committee_id is not None  # escalation_of says so
            chain = targets.setdefault((where, item.committee_id), _targets(where,
                                                                             item.committee_id))
            for target in chain:
                if claims.claim(target, item, escalation=True):
                    result.escalations += 1
                    told.setdefault(target.pk, _Told(target)).escalated += 1
                    notices.append((target, _notice(item, target, escalated=True), item.url, RED))
        result.notices += bell_post(notices=notices)
        result.deliveries += _emails(told, items_of, source)
        result.deliveries += _groups(committee_id, users, items_of, result)


def _targets(where: str, committee_id: int) -> list[User]:
    if where == OFFICE_HEADS:
        return selectors.office_heads_of(committee_id)
    if where == OFFICE:
        return selectors.office_accounts_of(committee_id)
    return []


def _notice(item: Item, user: User, *, escalated: bool) -> str:
    """The bell's text: it may name the item (read inside the system, by its people)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        what = f"{item.label} · {item.subject}" if item.subject else str(item.label)
        values = {"due": item.due, "what": what}
        if escalated:
            return _("Overdue since %(due)s, escalated to you: %(what)s") % values
        if item.level == RED:
            return _("Overdue since %(due)s: %(what)s") % values
        return _("Due on %(due)s: %(what)s") % values


def _emails(told: dict[int, _Told], items_of: dict[int, list[Item]],
            source: Source) -> list[int]:
    """One e-mail per person told anything in this run, if they chose one each time: the
    counts of their to-do and of what was escalated to them."""
    if not told:
        return []
    choices = selectors.email_choices(list(told))
    ids = []
    for pk, t in told.items():
        if choices.get(pk) != EmailChoice.EACH or not t.user.email:
            continue
        own = items_of.get(pk)
        if own is None:  # escalated to someone outside the committee's accounts
            try:
                own = list(source(t.user))
            except Exception:
                log.exception("to-do of account %s could not be read", pk)
                own = []
        overdue = sum(1 for i in own if i.level == RED)
        message = person_message(total=len(own), overdue=overdue, escalated=t.escalated,
                                 language=t.user.language)
        ids.append(email_queue(user=t.user, message=message).pk)
    return ids


def group_name(webhook: Webhook) -> str:
    committee = webhook.committee
    if webhook.team is None:
        return office_name(committee)
    return f"{committee.short_name or committee.name}{webhook.team.name}"


def _groups(committee_id: int, users: list[User], items_of: dict[int, list[Item]],
            result: SweepResult) -> list[int]:
    ids = []
    for webhook in selectors.active_webhooks_of(committee_id):
        if webhook.team_id is None:
            members = [u.pk for u in users
                       if is_office_group_member(user=u, committee_id=committee_id)]
        else:
            members = sorted(selectors.team_account_ids(webhook.team_id))
        union: dict[str, Item] = {}
        for pk in members:
            for item in items_of.get(pk, []):
                if item.committee_id == committee_id:
                    union.setdefault(stored_key(item.key), item)
        if not union:
            continue
        heard = set(GroupNotice.objects.filter(webhook=webhook, key__in=list(union))
                    .values_list("key", "level")) if len(union) <= CHUNK else _heard(webhook)
        red = [k for k, i in union.items() if i.level == RED]
        new = sum(_group_claim(webhook, k, "new") for k in union if (k, "new") not in heard)
        newly_red = sum(_group_claim(webhook, k, RED) for k in red if (k, RED) not in heard)
        if new or newly_red:
            message = group_message(group=group_name(webhook), new=new, overdue=len(red))
            ids.append(webhook_queue(webhook=webhook, message=message).pk)
            result.group_messages += 1
    return ids


def _heard(webhook: Webhook) -> set[tuple[str, str]]:
    return set(GroupNotice.objects.filter(webhook=webhook).values_list("key", "level"))


def _group_claim(webhook: Webhook, key: str, level: str) -> bool:
    try:
        with transaction.atomic():
            GroupNotice.objects.create(webhook=webhook, key=key, level=level)
    except IntegrityError:
        return False
    return True
