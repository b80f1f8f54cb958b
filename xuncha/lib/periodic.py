"""Periodic jobs (deadline sweeps, reminders). Apps declare them in ``hooks.PERIODIC`` (see
``xuncha.web.registry``); ``xuncha scheduler`` enqueues each task when it is due, and the tasks themselves are
idempotent, so two schedulers or a restart never do the work twice."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_minutes: int
    enqueue: Callable[[], object]
