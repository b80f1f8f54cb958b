"""The daily digest: once a day, after ``XUNCHA_DIGEST_HOUR`` (the server's time zone), each
person who chose it gets "N items await you, M overdue" and a link, if anything waits.

Each person's digest of a day is claimed (``DigestSent``) in the transaction that queues the
e-mail, so the job may run every half hour, on several workers, and sends one a day.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import selectors
from .models import DigestSent
from .outbox import email_queue
from .sources import RED, Source, todo_items
from .texts import digest_message

log = logging.getLogger("xuncha.notify")


def digests_send(*, now: datetime.datetime | None = None,
                 source: Source | None = None) -> list[int]:
    """Queue today's digests not yet sent; returns the ``Delivery`` ids (to send after the
    commit). Before the digest hour it does nothing."""
    source = source or todo_items
    local = timezone.localtime(now or timezone.now())
    if local.hour < settings.XUNCHA_DIGEST_HOUR:
        return []
    day = local.date()
    ids = []
    for user in selectors.digest_readers():
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        DigestSent.objects.create(user=user, day=day)
                except IntegrityError:
                    continue  # sent today already (or by another worker just now)
                items = list(source(user))
                if not items:
                    continue
                overdue = sum(1 for i in items if i.level == RED)
                ids.append(email_queue(user=user, message=digest_message(
                    total=len(items), overdue=overdue, language=user.language)).pk)
        except Exception:  # the claim is rolled back with it: the next run tries again
            log.exception("digest of account %s failed", user.pk)
    return ids
