"""Existing petitions get the masks of the ID number and address, and their search index
and duplicate band keys are rebuilt with the current algorithms (the MinHash functions and
the search tokens changed). Fresh databases have no rows: nothing to do."""

from django.db import migrations


def forward(apps, schema_editor):
    from xuncha.lib import fieldcrypto
    from xuncha.petitions import dedup
    from xuncha.petitions import search as fts
    from xuncha.petitions.identity import Reporter, masks

    Petition = apps.get_model("petitions", "Petition")
    PetitionBand = apps.get_model("petitions", "PetitionBand")
    PetitionSubject = apps.get_model("petitions", "PetitionSubject")
    postgres = schema_editor.connection.vendor == "postgresql"
    last = 0
    while True:
        rows = list(Petition.objects.filter(pk__gt=last).order_by("pk")[:500])
        if not rows:
            break
        last = rows[-1].pk
        names: dict[int, list[str]] = {}
        for petition_id, name in PetitionSubject.objects.filter(
                petition_id__in=[r.pk for r in rows]).values_list("petition_id", "name"):
            names.setdefault(petition_id, []).append(name)
        PetitionBand.objects.filter(petition_id__in=[r.pk for r in rows]).delete()
        bands = []
        for petition in rows:
            update = {}
            if not petition.anonymous:
                try:
                    reporter = Reporter(
                        name=fieldcrypto.decrypt(petition.reporter_name),
                        phone=fieldcrypto.decrypt(petition.reporter_phone),
                        id_number=fieldcrypto.decrypt(petition.reporter_id_number),
                        address=fieldcrypto.decrypt(petition.reporter_address))
                except ValueError:
                    reporter = None  # written under a key no longer configured
                if reporter is not None:
                    update.update(masks(reporter))
            text = petition.content + "\n" + "\n".join(names.get(petition.pk, []))
            if postgres:
                schema_editor.execute("UPDATE petitions_petition SET search_vector = "
                                      "to_tsvector('simple', %s) WHERE id = %s",
                                      [fts.document_tokens(text), petition.pk])
            else:
                update["search_text"] = fts.document_text(text)
            if update:
                Petition.objects.filter(pk=petition.pk).update(**update)
            _normalized, keys = dedup.keys_for(petition.content)
            bands.extend(PetitionBand(petition_id=petition.pk, committee_id=petition.committee_id,
                                      key=k) for k in keys)
        PetitionBand.objects.bulk_create(bands)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_identity_masks_constraints")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
