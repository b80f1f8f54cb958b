"""The outbox: every outbound message is a ``Delivery`` row first, written in the
transaction that decided to send it, and sent by a task after the commit.

An attempt claims its row with a conditional UPDATE (status waiting or retrying, and the
attempt number it expects), so two workers, or a task and the resume job, never send the
same attempt twice. A failure is recorded with its error (a code of ``models.DELIVERY_ERRORS``, shown
translated) and retried after a growing pause
(``BACKOFF``) up to ``MAX_ATTEMPTS``; then the row stays *failed* for the office to see.
Nothing here runs inside a step's request: a failing channel never blocks the step.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from xuncha.accounts.models import User

from . import channels
from .models import Delivery, DeliveryChannel, DeliveryStatus, Webhook
from .texts import Message, todo_link

log = logging.getLogger("xuncha.notify")

#: Attempts per message, and the pause before each retry (1 min, 5 min, 25 min).
MAX_ATTEMPTS = 4
BACKOFF = (datetime.timedelta(minutes=1), datetime.timedelta(minutes=5),
           datetime.timedelta(minutes=25))
#: A row left "sending" this long belonged to a worker that died; it is tried again.
STALE_SENDING = datetime.timedelta(minutes=15)
#: A row still waiting this long (or this long past its retry) lost its task: a crash
#: between the commit and the enqueue, or a worker that never ran it.
LOST_PENDING = datetime.timedelta(minutes=5)


def email_queue(*, user: User, message: Message) -> Delivery:
    """An e-mail to ``user`` (their address now); call inside the deciding transaction."""
    return Delivery.objects.create(channel=DeliveryChannel.EMAIL, committee_id=user.committee_id,
                                   user=user, address=user.email, subject=message.subject[:200],
                                   body=message.body)


def webhook_queue(*, webhook: Webhook, message: Message) -> Delivery:
    return Delivery.objects.create(channel=DeliveryChannel.WEBHOOK,
                                   committee_id=webhook.committee_id, webhook=webhook,
                                   subject=message.subject[:200], body=message.body)


@dataclass(frozen=True)
class Outcome:
    status: str
    #: When to try again (None: sent, failed for good, or not this attempt's to make).
    retry_at: datetime.datetime | None = None


def backoff(attempt: int) -> datetime.timedelta:
    return BACKOFF[min(attempt, len(BACKOFF)) - 1]


def delivery_attempt(*, delivery_id: int, attempt: int) -> Outcome:
    """Make attempt number ``attempt`` of the delivery, if it is still due (else skip)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, attempts=attempt - 1,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY],
    ).update(status=DeliveryStatus.SENDING, attempts=attempt, last_attempt_at=now)
    if not claimed:
        return Outcome("skipped")
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        try:
            _send(delivery)
        except channels.ChannelError:
            raise
        except Exception as exc:  # an unforeseen fault of a channel: logged, then retried
            log.exception("delivery %s: unexpected error", delivery_id)
            raise channels.ChannelError("unexpected", type(exc).__name__) from exc
    except channels.ChannelError as exc:
        error = str(exc)[:300]
        if exc.permanent or attempt >= MAX_ATTEMPTS:
            _finish(delivery_id, attempt, status=DeliveryStatus.FAILED, last_error=error)
            log.warning("delivery %s failed for good after %s attempts: %s", delivery_id,
                        attempt, error)
            return Outcome(DeliveryStatus.FAILED)
        retry_at = timezone.now() + backoff(attempt)
        _finish(delivery_id, attempt, status=DeliveryStatus.RETRY, last_error=error,
                next_attempt_at=retry_at)
        log.info("delivery %s attempt %s failed (%s); retry at %s", delivery_id, attempt,
                 error, retry_at)
        return Outcome(DeliveryStatus.RETRY, retry_at)
    _finish(delivery_id, attempt, status=DeliveryStatus.SENT, sent_at=timezone.now(),
            next_attempt_at=None)
    return Outcome(DeliveryStatus.SENT)


def _finish(delivery_id: int, attempt: int, **values: object) -> None:
    Delivery.objects.filter(pk=delivery_id, attempts=attempt,
                            status=DeliveryStatus.SENDING).update(**values)


def _send(delivery: Delivery) -> None:
    if delivery.channel == DeliveryChannel.EMAIL:
        if not delivery.address:
            raise channels.ChannelError("no_address", permanent=True)
        channels.send_email(address=delivery.address, subject=delivery.subject,
                            body=delivery.body)
        return
    webhook = delivery.webhook
    if webhook is None or not webhook.is_active:
        raise channels.ChannelError("robot_removed", permanent=True)
    channels.send_webhook(kind=webhook.kind, fmt=webhook.format, url=webhook.url,
                          secret=webhook.secret, title=delivery.subject, text=delivery.body,
                          link=todo_link())


def deliveries_to_resume(*, now: datetime.datetime | None = None) -> list[tuple[int, int]]:
    """``(delivery id, next attempt)`` of rows whose task was lost: waiting too long, a
    retry past its time, or "sending" from a worker that died (those are set to retry, or
    to failed when no attempt is left). Safe to run on several workers: the attempt's own
    claim decides."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING,
                                    last_attempt_at__lt=now - STALE_SENDING)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=DeliveryStatus.FAILED, last_error="interrupted")  # a code of DELIVERY_ERRORS
    stale.filter(attempts__lt=MAX_ATTEMPTS).update(status=DeliveryStatus.RETRY,
                                                   next_attempt_at=now)
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, created_at__lt=now - LOST_PENDING)
        | Q(status=DeliveryStatus.RETRY, next_attempt_at__lt=now - LOST_PENDING)).order_by("pk")
    return [(pk, attempts + 1) for pk, attempts in due.values_list("pk", "attempts")[:1000]]
