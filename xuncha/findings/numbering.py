"""How a committee numbers its problem drafts and clues (``NumberingPolicy``)."""

import string

from xuncha.inspections.models import Inspection
from xuncha.organizations.models import Committee

from .models import NumberingPolicy


def numbering_policy(committee: Committee) -> NumberingPolicy:
    """The committee's policy, or the defaults when it has set none."""
    return NumberingPolicy.objects.filter(committee=committee).first() or NumberingPolicy(
        committee=committee)


def _format_number(pattern: str, *, inspection: Inspection, seq: int) -> str:
    committee = inspection.committee
    policy = numbering_policy(committee)
    abbr = policy.abbreviation or committee.short_name.removesuffix("委")[:4]
    values = {"year": inspection.period_start.year, "abbr": abbr,
              "round": inspection.round.number, "team": inspection.team.number, "seq": seq}
    try:
        fields = {f for _t, f, _s, _c in string.Formatter().parse(pattern) if f}
        if not fields <= set(values):
            raise KeyError
        return pattern.format(**values)[:64]
    except (KeyError, ValueError, IndexError):
        return f"[{values['year']}]{abbr}-{values['team']}-{seq:02d}"


def problem_number(inspection: Inspection, seq: int) -> str:
    """The number of the inspection's ``seq``-th problem draft, by the committee's pattern
    (a pattern that does not format falls back to ``[year]abbr-team-seq``)."""
    pattern = numbering_policy(inspection.committee).problem_pattern
    return _format_number(pattern, inspection=inspection, seq=seq)


def clue_number(inspection: Inspection, seq: int) -> str:
    """The number of the inspection's ``seq``-th clue, by the committee's pattern."""
    pattern = numbering_policy(inspection.committee).clue_pattern
    return _format_number(pattern, inspection=inspection, seq=seq)
