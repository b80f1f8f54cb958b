"""Builders for tests of the inspection cycle (used by later apps' tests too)."""

import datetime

from xuncha.inspections.models import ChannelKind, Inspection, RoundKind, TeamPosition
from xuncha.inspections.moves import inspection_station
from xuncha.inspections.rounds import round_approve, round_create, round_submit
from xuncha.inspections.targets import channel_add, inspection_create
from xuncha.inspections.teams import member_add, team_create
from xuncha.teamwork.pledges import pledge_record_paper


def approved_round(t, *, start=datetime.date(2026, 3, 2), end=datetime.date(2026, 6, 30),
                   kind=RoundKind.REGULAR, topic=""):
    r = round_create(actor=t.office, committee=t.county, data={
        "term": t.term, "kind": kind, "topic": topic, "planned_start": start,
        "planned_end": end})
    round_submit(actor=t.office, round=r)
    round_approve(actor=t.leader, round=r)
    return r


def staffed_team(t, r, members=None):
    """A team led by insp_a1 (the ``team`` persona) with insp_a2, insp_a3 as members."""
    team = team_create(actor=t.office, round=r)
    members = members or [(t.insp_a1, TeamPosition.LEADER), (t.insp_a2, TeamPosition.DEPUTY),
                          (t.insp_a3, TeamPosition.MEMBER)]
    for inspector, position in members:
        member_add(actor=t.office, team=team, inspector=inspector, position=position)
    sign_pledges(t, team)
    return team


def sign_pledges(t, team):
    """The office records every member's integrity pledge (signed on paper), so the team can
    be stationed (``xuncha.teamwork``)."""
    for member in team.members.filter(pledge__isnull=True):
        pledge_record_paper(actor=t.office, member=member)


def dates(start=datetime.date(2026, 3, 9), days=45, deadline_days=40):
    return {"period_start": start, "period_end": start + datetime.timedelta(days=days),
            "stationed_on": start, "petition_deadline": start + datetime.timedelta(
                days=deadline_days), "scope_text": "主要受理反映领导班子及其成员问题的来信来电来访。"}


def stationed_inspection(t, unit=None, *, team=None, start=datetime.date(2026, 3, 9),
                         round_kwargs=None) -> Inspection:
    """An inspection of ``unit`` (default: the education bureau) stationed with channels."""
    if team is None:
        r = approved_round(t, **(round_kwargs or {}))
        team = staffed_team(t, r)
    inspection = inspection_create(actor=t.office, team=team, units=[unit or t.unit_edu],
                                   data=dates(start))[0]
    channel_add(actor=t.office, inspection=inspection, data={
        "kind": ChannelKind.PHONE, "value": "0791-86001234", "hours": "每天8:00—20:00"})
    channel_add(actor=t.office, inspection=inspection, data={
        "kind": ChannelKind.ONLINE, "value": ""})
    return inspection_station(actor=t.office, inspection=inspection)
