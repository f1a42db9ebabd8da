"""The dashboard: what waits for this user's action, gathered from every area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from association.auth.models import User


@dataclass(frozen=True)
class Task:
    """Something that waits for the user: shown first on the dashboard."""

    title: str
    detail: str
    url: str
    action: str  # the button's words: "Vote", "Review", "Sign"
    urgent: bool = False


def _providers() -> list[Callable[[Session, User], list[Task]]]:
    # Each area says what waits in it; an area that lands adds its line here.
    from association.mail.dashboard import outbox_tasks
    from association.meetings.dashboard import meeting_tasks
    from association.membership.dashboard import application_tasks
    from association.memoranda.dashboard import memorandum_tasks
    from association.parks.dashboard import park_tasks
    from association.voting.dashboard import voting_tasks

    return [
        application_tasks,
        park_tasks,
        outbox_tasks,
        voting_tasks,
        meeting_tasks,
        memorandum_tasks,
    ]


def tasks_for(session: Session, user: User) -> list[Task]:
    tasks = [task for provider in _providers() for task in provider(session, user)]
    return sorted(tasks, key=lambda task: not task.urgent)
