"""The reporter's receipt: made once, stored only as a peppered hash, the one key to the
report's public status and its messages."""

import hashlib
import hmac
import os
import secrets

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from .models import Petition, PetitionAttachment, PetitionMessage, Route, Status


def _receipt_key() -> bytes:
    """The pepper: ``XUNCHA_RECEIPT_PEPPER`` (setting or environment), else the secret key.
    Changing it makes every receipt unknown, so production sets it once."""
    pepper = (getattr(settings, "XUNCHA_RECEIPT_PEPPER", "")
              or os.environ.get("XUNCHA_RECEIPT_PEPPER", "") or settings.SECRET_KEY)
    return hashlib.sha256(("xuncha-receipt:" + pepper).encode()).digest()


def receipt_hash(receipt: str) -> str:
    """Peppered SHA-256 (HMAC) of a receipt: what is stored; the receipt itself never is."""
    return hmac.new(_receipt_key(), receipt.encode(), hashlib.sha256).hexdigest()


def normalize_receipt(value: object) -> str | None:
    """The 16 digits of a receipt as typed (spaces and dashes allowed), or None."""
    if not isinstance(value, str | int):
        return None
    digits = "".join(c for c in str(value)[:64] if not c.isspace() and c != "-")
    return digits if len(digits) == 16 and digits.isascii() and digits.isdigit() else None


def petition_by_receipt(receipt: object) -> Petition | None:
    """The petition of a receipt, or None. A malformed receipt costs the same hash and the
    same indexed query as a wrong one, so neither answers faster or differently."""
    normal = normalize_receipt(receipt)
    digest = receipt_hash(normal or "malformed-receipt")
    petition = Petition.objects.filter(receipt_hash=digest).select_related("transfer").first()
    return petition if normal else None


def receipt_new() -> tuple[str, str]:
    """A fresh receipt and its hash (unused by any petition)."""
    while True:
        receipt = f"{secrets.randbelow(10 ** 16):016d}"
        digest = receipt_hash(receipt)
        if not Petition.objects.filter(receipt_hash=digest).exists():
            return receipt, digest


# --- what the reporter is shown -----------------------------------------------------------------


def public_status(petition: Petition) -> str:
    """What the reporter is told: received / being handled / passed on / concluded. Never
    who handles it inside, never the note."""
    if petition.status == Status.NEW:
        if petition.route == Route.LATE:
            return _("Received after the team's intake deadline; passed to the regular "
                     "petition office.")
        return _("Received; waiting to be handled.")
    if petition.status == Status.ACCEPTED:
        return _("Accepted and being handled.")
    if petition.status == Status.TRANSFERRED:
        transfer = getattr(petition, "transfer", None)
        if transfer is not None:
            return _("Passed to the responsible department (%(dept)s) under the principle of "
                     "graded responsibility.") % {"dept": transfer.department}
        return _("Passed to the responsible department.")
    if petition.status == Status.DUPLICATE:
        return _("Merged with an earlier report of the same matter, which is being handled.")
    return _("Handled and kept on file.")


def public_thread(petition: Petition) -> QuerySet[PetitionMessage]:
    """The questions and the reporter's additions, oldest first, with their files' names
    (the holder of the receipt reads them)."""
    return PetitionMessage.objects.filter(petition=petition).prefetch_related(
        Prefetch("attachments", queryset=PetitionAttachment.objects.only(
            "pk", "name", "message_id"))).order_by("created_at", "pk")
