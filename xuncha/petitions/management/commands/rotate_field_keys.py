"""``xuncha rotate-field-keys``: re-encrypt every encrypted field under the newest key.

Put a new key in front of ``XUNCHA_FIELD_KEYS`` (keep the old ones after it), run this, then
drop the old keys. Values already under the newest key are left as they are, so the command
can run again (or be interrupted and restarted) without harm.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from xuncha.lib import fieldcrypto

#: (app label, model, encrypted fields). Every encrypted field of the project is listed here.
ENCRYPTED = [
    ("petitions", "Petition", ("reporter_name", "reporter_phone", "reporter_id_number",
                               "reporter_address")),
    ("accounts", "User", ("totp_secret",)),
]
BATCH = 500


def _newest() -> Fernet | None:
    keys = list(settings.XUNCHA_FIELD_KEYS)
    return Fernet(keys[0].encode()) if keys else None


def _current(token: str, newest: Fernet | None) -> bool:
    """True when ``token`` is already encrypted with the newest key."""
    if newest is None:
        return True  # no configured keys: nothing to rotate to
    try:
        newest.decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        return False
    return True


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted field (reporter identity, TOTP secrets) under the newest "
            "key of XUNCHA_FIELD_KEYS. Safe to run again; afterwards the old keys can go.")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="only count the values not yet under the newest key")

    def handle(self, *args, **options):
        from django.apps import apps

        newest = _newest()
        if newest is None:
            self.stdout.write("XUNCHA_FIELD_KEYS is empty: values use the development key; "
                              "nothing to rotate.")
            return
        pending_total = 0
        for app_label, model_name, fields in ENCRYPTED:
            model = apps.get_model(app_label, model_name)
            rotated = pending = 0
            last_pk = 0
            while True:
                with transaction.atomic():
                    rows = list(model.objects.select_for_update().filter(pk__gt=last_pk)
                                .order_by("pk").only("pk", *fields)[:BATCH])
                    if not rows:
                        break
                    last_pk = rows[-1].pk
                    for row in rows:
                        changed = [name for name in fields if getattr(row, name)
                                   and not _current(getattr(row, name), newest)]
                        if not changed:
                            continue
                        pending += 1
                        if options["check"]:
                            continue
                        for name in changed:
                            setattr(row, name, fieldcrypto.rotate(getattr(row, name)))
                        row.save(update_fields=changed)
                        rotated += 1
            pending_total += pending
            if options["check"]:
                self.stdout.write(f"{model._meta.label}: {pending} row(s) not under the newest key")
            else:
                self.stdout.write(f"{model._meta.label}: {rotated} row(s) re-encrypted")
        if options["check"] and pending_total:
            raise SystemExit(1)
