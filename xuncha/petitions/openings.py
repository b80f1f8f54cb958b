"""The need-to-know trail: every opening of one petition — its page, its API detail, one of
its attachments — is an audit event naming who opened it. List rows are not (a list shows
the masked summary only). Each opening costs one append to the audit chain."""

from django.db import transaction

from xuncha.accounts.models import User
from xuncha.audit.services import event_record

from .models import Petition, PetitionAttachment


@transaction.atomic
def petition_opened(*, actor: User, petition: Petition, via: str) -> None:
    """``via``: ``page`` or ``api``."""
    event_record(actor=actor, action="petition.open", obj=petition, params={"via": via})


@transaction.atomic
def attachment_opened(*, actor: User, attachment: PetitionAttachment, via: str) -> None:
    event_record(actor=actor, action="petition.attachment_download", obj=attachment.petition,
                 params={"attachment": attachment.pk, "via": via})
