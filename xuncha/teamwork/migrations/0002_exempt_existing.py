"""Inspections stationed before pledges were recorded, and imported ones, are exempt from
the pledge check (their members signed on paper, outside the system)."""

from django.db import migrations


def exempt(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    Announcement = apps.get_model("announcements", "Announcement")
    PledgeExemption = apps.get_model("teamwork", "PledgeExemption")
    imported = set(Announcement.inspections.through.objects.values_list("inspection_id",
                                                                        flat=True))
    rows = []
    for pk, status in Inspection.objects.values_list("pk", "status").iterator():
        if status != "planned":
            rows.append(PledgeExemption(inspection_id=pk, reason="stationed"))
        elif pk in imported:
            rows.append(PledgeExemption(inspection_id=pk, reason="imported"))
    PledgeExemption.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("teamwork", "0001_initial"),
        ("announcements", "0001_initial"),
    ]

    operations = [migrations.RunPython(exempt, migrations.RunPython.noop)]
