"""The default problem taxonomy, after 六个围绕、一个加强."""

from django.db import migrations

DEFAULTS = [
    ("political", "党的政治建设"),
    ("ideological", "党的思想建设"),
    ("organizational", "党的组织建设"),
    ("work_style", "党的作风建设"),
    ("discipline", "党的纪律建设"),
    ("anti_corruption", "反腐败斗争和群众身边腐败问题"),
    ("rectification", "巡视巡察及审计等整改落实"),
]


def up(apps, schema_editor):
    category = apps.get_model("findings", "ProblemCategory")
    for position, (code, name) in enumerate(DEFAULTS, start=1):
        category.objects.get_or_create(committee=None, code=code,
                                       defaults={"name": name, "position": position})


def down(apps, schema_editor):
    apps.get_model("findings", "ProblemCategory").objects.filter(
        committee=None, code__in=[c for c, _n in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
