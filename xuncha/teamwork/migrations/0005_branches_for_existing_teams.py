"""Every team formed before branches existed gets its temporary party branch (secretary:
its leader), dissolved already when all its inspections have reached the feedback."""

from django.db import migrations
from django.utils import timezone

WORKING = ("planned", "stationed", "on_site", "reporting")


def create(apps, schema_editor):
    Team = apps.get_model("inspections", "Team")
    TeamMember = apps.get_model("inspections", "TeamMember")
    Inspection = apps.get_model("inspections", "Inspection")
    Branch = apps.get_model("teamwork", "Branch")
    leaders = dict(TeamMember.objects.filter(position="leader").values_list("team_id",
                                                                             "inspector_id"))
    statuses: dict[int, set[str]] = {}
    for team_id, status in Inspection.objects.values_list("team_id", "status").iterator():
        statuses.setdefault(team_id, set()).add(status)
    now = timezone.now()
    rows = []
    for team_id in Team.objects.exclude(branch__isnull=False).values_list("pk", flat=True):
        seen = statuses.get(team_id, set())
        ended = bool(seen) and not seen & set(WORKING)
        rows.append(Branch(team_id=team_id, secretary_id=leaders.get(team_id),
                           dissolved_at=now if ended else None))
    Branch.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("teamwork", "0004_appraisal_branch")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
