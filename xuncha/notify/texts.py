"""The words of every outbound message: counts and a link, nothing else.

Outbound messages (e-mail, group robots) leave the closed network's control, so they never
carry case content, names of units or people, or anything about a reporter: a person reads
"3 items await you", a group "东湖区委巡察办: 3 new items, 1 overdue", and both a link to
the to-do page. Only the in-app bell (``inapp``) names the item,
because it is read inside the system by someone who may open it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xuncha.organizations.models import Committee


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def todo_link() -> str:
    """The site's own address of the to-do page (``XUNCHA_BASE_URL`` + its path)."""
    return settings.XUNCHA_BASE_URL.rstrip("/") + reverse("todo:list")


def _counts(total: int, overdue: int) -> str:
    waiting = ngettext("%(count)d item awaits you", "%(count)d items await you", total) % {
        "count": total}
    late = ngettext("%(count)d overdue", "%(count)d overdue", overdue) % {"count": overdue}
    return _("%(waiting)s, %(overdue)s.") % {"waiting": waiting, "overdue": late}


def person_message(*, total: int, overdue: int, escalated: int = 0,
                   language: str = "") -> Message:
    """What one reminder run tells a person who chose an e-mail at each reminder."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Xuncha: %(summary)s") % {"summary": ngettext(
            "%(count)d item awaits you", "%(count)d items await you", total) % {"count": total}}
        lines = [_counts(total, overdue)]
        if escalated:
            lines.append(ngettext(
                "%(count)d overdue item of your colleagues was escalated to you.",
                "%(count)d overdue items of your colleagues were escalated to you.",
                escalated) % {"count": escalated})
        lines += ["", _("Open your to-do: %(link)s") % {"link": todo_link()}]
        return Message(subject=subject, body="\n".join(lines))


def digest_message(*, total: int, overdue: int, language: str = "") -> Message:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Xuncha daily digest: %(summary)s") % {"summary": ngettext(
            "%(count)d item awaits you", "%(count)d items await you", total) % {"count": total}}
        body = "\n".join([_counts(total, overdue), "",
                          _("Open your to-do: %(link)s") % {"link": todo_link()}])
        return Message(subject=subject, body=body)


def office_name(committee: Committee) -> str:
    """The group's sender: 东湖区委巡察办 (巡视办 for a central or provincial committee), a
    proper name like ``Team.name``."""
    word = "巡视办" if committee.is_inspection_level_xunshi else "巡察办"
    return f"{committee.short_name or committee.name}{word}"


def group_message(*, group: str, new: int, overdue: int) -> Message:
    """``subject`` is the robot message's title; ``body`` its text (the link is added by
    the channel)."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _("%(group)s: %(new)s, %(overdue)s") % {
            "group": group,
            "new": ngettext("%(count)d new item", "%(count)d new items", new) % {"count": new},
            "overdue": ngettext("%(count)d overdue", "%(count)d overdue", overdue) % {
                "count": overdue}}
        return Message(subject=_("Xuncha to-do"), body=body)


def test_message(*, group: str) -> Message:
    with translation.override(settings.LANGUAGE_CODE):
        return Message(subject=_("Xuncha to-do"),
                       body=_("%(group)s: this group will hear of new and overdue items.")
                       % {"group": group})
