"""The home page: a few panels per role, contributed by the apps (see AppConfig.ready)."""

from collections.abc import Callable

HomePanel = dict  # {"title": str, "template": str, ...context}
PANELS: list[Callable[[object], HomePanel | None]] = []


def register_panel(provider: Callable[[object], HomePanel | None]) -> None:
    if provider not in PANELS:
        PANELS.append(provider)


def home_context(user) -> dict:
    panels = []
    for provider in PANELS:
        panel = provider(user)
        if panel:
            panels.append(panel)
    return {"panels": panels}
