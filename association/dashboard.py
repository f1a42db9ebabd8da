"""The dashboard's shared shape: a Task (something that waits for a user's action), and the
list of each area's task providers, which every area adds to from its `init_app`.

It sits below the areas, so that an area's dashboard needs nothing from `main/`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.orm import Session

from association.parks.models import User


@dataclass(frozen=True)
class Task:
    """Something that waits for the user: shown first on the dashboard."""

    title: str
    detail: str
    url: str
    action: str  # the button's words: "Vote", "Review", "Sign"
    urgent: bool = False


TaskProvider = Callable[[Session, User], list[Task]]
_EXTENSION = "association.dashboard"


def register_tasks(app: Flask, provider: TaskProvider) -> None:
    """Ask `provider(session, user)` what waits in an area, on every dashboard of this app."""
    app.extensions.setdefault(_EXTENSION, []).append(provider)


def tasks_for(session: Session, user: User) -> list[Task]:
    """What waits for this user in every area, urgent first (each area's order kept)."""
    providers: list[TaskProvider] = current_app.extensions.get(_EXTENSION, [])
    tasks = [task for provider in providers for task in provider(session, user)]
    return sorted(tasks, key=lambda task: not task.urgent)
