"""The home page: the panels the apps declare in their ``hooks.HOME_PANELS``."""

from xuncha.accounts.models import User

from . import registry


def home_context(user: User) -> dict[str, object]:
    panels = []
    for provider in registry.home_panels():
        panel = provider(user)
        if panel:
            panels.append(panel)
    return {"panels": panels}
