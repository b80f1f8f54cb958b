"""The reminder and escalation sweep over open measures.

Lights follow the committee's clock policy (green at 20 days left, yellow at 10, red when
overdue). Each light is one escalation step, sent once per measure and deadline:

    green  → the handler (the unit's liaisons in the app, the handler's e-mail)
    yellow → also the responsible leader (分管领导)
    red    → also the principal leader (主要负责人) and the office

Idempotence: a ``MeasureAlert`` row (unique on measure, step, deadline) is inserted before
anything is sent; a second run, or a second worker, finds it and sends nothing. Moving a
deadline starts the steps again for the new date.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections import clocks
from xuncha.inspections.models import ClockPolicy

from .models import OPEN_MEASURE, Measure, MeasureAlert, Notification, Plan

log = logging.getLogger("xuncha.sweep")
STEP_ORDER = ("green", "yellow", "red")


@dataclass
class SweepResult:
    checked: int = 0
    alerts: int = 0
    notifications: int = 0
    emails: int = 0
    by_step: dict[str, int] = field(default_factory=dict)


def _steps_due(light: str) -> list[str]:
    if light not in STEP_ORDER:
        return []
    return list(STEP_ORDER[: STEP_ORDER.index(light) + 1])


def sweep(*, today: datetime.date, committee_id: int | None = None) -> SweepResult:
    result = SweepResult()
    policies: dict[int, ClockPolicy] = {}
    horizon = today + datetime.timedelta(days=60)
    qs = (Measure.objects.filter(status__in=OPEN_MEASURE, deadline__lte=horizon)
          .select_related("inspection__unit", "inspection__committee", "problem")
          .order_by("pk"))
    if committee_id:
        qs = qs.filter(committee_id=committee_id)
    principals = dict(Plan.objects.filter(
        inspection_id__in=qs.values("inspection_id")).values_list("inspection_id",
                                                                   "principal_email"))
    for measure in qs.iterator(chunk_size=1000):
        result.checked += 1
        committee = measure.inspection.committee
        policy = policies.setdefault(committee.pk, clocks.policy_for(committee))
        light = clocks.measure_light(due=measure.deadline, today=today, done=False,
                                     green_days=policy.measure_green_days,
                                     yellow_days=policy.measure_yellow_days)
        steps = _steps_due(light)
        for step in steps:
            # Catching up (a measure found already red) sends only the current step; the
            # earlier ones are recorded as passed so they never go out late.
            silent = step != steps[-1]
            if _send_step(measure, step, principals.get(measure.inspection_id, ""), result,
                          silent=silent) and not silent:
                result.alerts += 1
                result.by_step[step] = result.by_step.get(step, 0) + 1
    return result


def _send_step(measure: Measure, step: str, principal_email: str, result: SweepResult,
               *, silent: bool = False) -> bool:
    liaisons = list(User.objects.filter(role=Role.LIAISON, unit_id=measure.inspection.unit_id,
                                        is_active=True))
    in_app = list(liaisons)
    emails = [measure.handler_email]
    if step in ("yellow", "red"):
        emails.append(measure.leader_email)
    if step == "red":
        emails.append(principal_email)
        in_app += list(User.objects.filter(role=Role.OFFICE,
                                           committee_id=measure.committee_id, is_active=True))
    emails = sorted({e for e in emails if e})
    if silent:
        try:
            with transaction.atomic():
                MeasureAlert.objects.create(measure=measure, step=step,
                                            deadline=measure.deadline, recipients=[])
        except IntegrityError:
            return False
        return True
    try:
        with transaction.atomic():
            MeasureAlert.objects.create(measure=measure, step=step, deadline=measure.deadline,
                                        recipients=emails + [u.username for u in in_app])
            url = reverse("rectification:measure_detail", args=[measure.pk])
            with translation.override(settings.LANGUAGE_CODE):
                text = _message(measure, step)
            Notification.objects.bulk_create([
                Notification(user=u, text=text[:300], url=url,
                             level="danger" if step == "red" else "warning") for u in in_app])
            result.notifications += len(in_app)
            if emails:
                # E-mail leaves the system: it says that a measure waits and links to it,
                # never which unit or what the measure is (the bell, inside, says both).
                with translation.override(settings.LANGUAGE_CODE):
                    outbound = _outbound(step, measure)
                link = getattr(settings, "XUNCHA_BASE_URL", "").rstrip("/") + url
                transaction.on_commit(lambda: _mail(emails, outbound, link))
                result.emails += len(emails)
    except IntegrityError:
        return False  # already sent by an earlier run or another worker
    return True


def _message(measure: Measure, step: str) -> str:
    unit = measure.inspection.unit.name
    if step == "red":
        return _("Overdue since %(day)s: measure %(n)d of %(unit)s (%(text)s).") % {
            "day": measure.deadline, "n": measure.number, "unit": unit, "text": measure.text[:60]}
    return _("Due on %(day)s: measure %(n)d of %(unit)s (%(text)s).") % {
        "day": measure.deadline, "n": measure.number, "unit": unit, "text": measure.text[:60]}


def _outbound(step: str, measure: Measure) -> str:
    if step == "red":
        return _("Xuncha: a rectification measure you answer for is overdue (due %(day)s).") % {
            "day": measure.deadline}
    return _("Xuncha: a rectification measure you answer for is due on %(day)s.") % {
        "day": measure.deadline}


def _mail(recipients: list[str], text: str, url: str) -> None:
    try:
        send_mail(subject=text[:78], message=f"{text}\n\n{url}",
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients,
                  fail_silently=False)
    except Exception:  # mail trouble must not undo the sweep; the in-app notice stands
        log.exception("reminder e-mail failed")
