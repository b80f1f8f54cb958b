"""Periodic jobs (deadline sweeps, reminders). Apps register (name, minutes, task) here;
``xuncha scheduler`` enqueues each task when it is due, and the tasks themselves are
idempotent, so two schedulers or a restart never do the work twice."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_minutes: int
    enqueue: Callable[[], object]


JOBS: list[PeriodicJob] = []


def register(name: str, every_minutes: int, enqueue: Callable[[], object]) -> None:
    if all(job.name != name for job in JOBS):
        JOBS.append(PeriodicJob(name, every_minutes, enqueue))
