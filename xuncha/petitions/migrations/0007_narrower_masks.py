"""Stored masks are recomputed with the narrower rule of ``identity.masks`` (last two digits
of phone and ID number, the surname, nothing of the address). Rows encrypted under a key
that is no longer configured keep nothing: their masks are emptied rather than left wide."""

from django.db import migrations


def forward(apps, schema_editor):
    from xuncha.lib import fieldcrypto
    from xuncha.petitions.identity import Reporter, masks

    Petition = apps.get_model("petitions", "Petition")
    fields = ("reporter_name_masked", "reporter_phone_masked", "reporter_id_number_masked",
              "reporter_address_masked")
    last = 0
    while True:
        rows = list(Petition.objects.filter(pk__gt=last, anonymous=False).order_by("pk")[:500])
        if not rows:
            break
        last = rows[-1].pk
        for petition in rows:
            try:
                reporter = Reporter(
                    name=fieldcrypto.decrypt(petition.reporter_name),
                    phone=fieldcrypto.decrypt(petition.reporter_phone),
                    id_number=fieldcrypto.decrypt(petition.reporter_id_number),
                    address=fieldcrypto.decrypt(petition.reporter_address))
                update = masks(reporter)
            except ValueError:
                update = dict.fromkeys(fields, "")
            Petition.objects.filter(pk=petition.pk).update(**update)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_stats_index")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
