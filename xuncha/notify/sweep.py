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
before anything is said: in bulk, one statement per committee and kind, skipping the rows
that exist (``ON CONFLICT DO NOTHING``), each stamped with the run's own id; the rows read
back with that id are the ones this run won. A second run, or a second worker, finds them
and says nothing. Bell notices are written in the same transaction; e-mails and group messages
become ``Delivery`` rows there too and are sent after the commit by ``tasks.deliver_task``.
"""

import datetime
import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.db import transaction
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
    """Reminders already sent (read once per committee), and claiming new ones in bulk."""

    def __init__(self, keys: set[str]):
        self.run = uuid.uuid4().hex
        self.seen: set[tuple[int, str, str, datetime.date]] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), CHUNK):
            self.seen.update(Reminder.objects.filter(key__in=ordered[start:start + CHUNK])
                             .values_list("user_id", "key", "level", "due"))

    def claim_all(self, wanted: Sequence[tuple[User, Item]], *, escalation: bool
                  ) -> list[tuple[User, Item]]:
        """The ``(person, item)`` pairs of ``wanted`` this run is the first to tell, in order:
        the new marks are inserted in one statement (existing ones skipped), then the rows
        stamped with this run's id are read back."""
        fresh: dict[tuple[int, str, str, datetime.date], tuple[User, Item]] = {}
        for user, item in wanted:
            assert item.due is not None  # only lit items (``_lit``) are claimed
            mark = (user.pk, stored_key(item.key), item.level, item.due)
            if mark not in self.seen and mark not in fresh:
                fresh[mark] = (user, item)
        if not fresh:
            return []
        self.seen.update(fresh)
        Reminder.objects.bulk_create(
            [Reminder(user_id=pk, key=key, level=level, due=due, escalation=escalation,
                      run=self.run) for pk, key, level, due in fresh],
            ignore_conflicts=True, batch_size=CHUNK)
        won = set(Reminder.objects.filter(run=self.run, user_id__in={m[0] for m in fresh})
                  .values_list("user_id", "key", "level", "due"))
        return [pair for mark, pair in fresh.items() if mark in won]


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
        own: list[tuple[User, Item]] = []
        for user in users:
            for item in _lit(items_of.get(user.pk, [])):
                own.append((user, item))
                where = escalation_of(user=user, item=item)
                if where:
                    up.append((where, item))
        for user, item in claims.claim_all(own, escalation=False):
            result.reminders += 1
            told.setdefault(user.pk, _Told(user)).own += 1
            if not ledger_covers(user=user, item=item):
                notices.append((user, _notice(item, user, escalated=False), item.url,
                                item.level))
        targets: dict[tuple[str, int], list[User]] = {}
        chained: list[tuple[User, Item]] = []
        for where, item in up:
            assert item.committee_id is not None  # escalation_of says so
            chain = targets.setdefault((where, item.committee_id), _targets(where,
                                                                             item.committee_id))
            chained += [(target, item) for target in chain]
        for target, item in claims.claim_all(chained, escalation=True):
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
        won = _group_claim_all(webhook, [(k, "new") for k in union if (k, "new") not in heard]
                               + [(k, RED) for k in red if (k, RED) not in heard])
        new = sum(1 for _k, level in won if level == "new")
        newly_red = len(won) - new
        if new or newly_red:
            message = group_message(group=group_name(webhook), new=new, overdue=len(red))
            ids.append(webhook_queue(webhook=webhook, message=message).pk)
            result.group_messages += 1
    return ids


def _heard(webhook: Webhook) -> set[tuple[str, str]]:
    return set(GroupNotice.objects.filter(webhook=webhook).values_list("key", "level"))


def _group_claim_all(webhook: Webhook, marks: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The ``(key, level)`` marks this run is the first to announce to the group: inserted
    in one statement (existing ones skipped), read back by the run's id."""
    if not marks:
        return set()
    run = uuid.uuid4().hex
    GroupNotice.objects.bulk_create(
        [GroupNotice(webhook=webhook, key=key, level=level, run=run) for key, level in marks],
        ignore_conflicts=True, batch_size=CHUNK)
    return set(GroupNotice.objects.filter(webhook=webhook, run=run).values_list("key", "level"))
