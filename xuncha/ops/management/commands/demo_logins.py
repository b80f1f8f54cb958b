from typing import Any

from django.core.management.base import BaseCommand

from xuncha.ops.demo import demo_logins


class Command(BaseCommand):
    help = "Print one line per demo account: role username password."

    def handle(self, *args: str, **options: Any) -> None:
        for role, username, password in demo_logins():
            self.stdout.write(f"{role} {username} {password}")
