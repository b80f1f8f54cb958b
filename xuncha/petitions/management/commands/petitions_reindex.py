"""``xuncha petitions-reindex``: rebuild the search text or vector and the duplicate band
keys of every petition (after a change of the normalisation or of the MinHash functions).
Safe to run again; each batch is its own transaction."""

from django.core.management.base import BaseCommand
from django.db import transaction

from xuncha.petitions.indexing import reindex
from xuncha.petitions.models import Petition

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the search index and the duplicate band keys of every petition."

    def handle(self, *args, **options):
        last_pk = count = 0
        while True:
            with transaction.atomic():
                rows = list(Petition.objects.filter(pk__gt=last_pk).order_by("pk")[:BATCH])
                if not rows:
                    break
                for petition in rows:
                    reindex(petition)
                last_pk = rows[-1].pk
                count += len(rows)
        self.stdout.write(f"{count} petition(s) reindexed")
