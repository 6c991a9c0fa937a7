"""A system's Art. 31 approval of an isolated network and an O&M run's progress become explicit
states (machines ``system_isolation`` and ``om_run``).

Existing isolated systems get their state from the two dates they carry: approved by the city
government, awaiting it after BDB's review, or awaiting BDB's review; every existing run was
decided. Going back drops the states (the dates stay)."""

from django.db import migrations, models


def states_from_dates(apps, schema_editor):
    System = apps.get_model("catalog", "InformationSystem")
    isolated = System.objects.filter(network="isolated")
    isolated.filter(
        isolation_bdb_reviewed_on__isnull=False, isolation_gov_approved_on__isnull=False
    ).update(isolation_state="approved")
    isolated.filter(
        isolation_gov_approved_on__isnull=True, isolation_bdb_reviewed_on__isnull=False
    ).update(isolation_state="awaiting_gov")
    isolated.filter(isolation_bdb_reviewed_on__isnull=True).update(isolation_state="awaiting_bdb")
    apps.get_model("catalog", "OMRun").objects.update(state="decided")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_item_owning_system")]

    operations = [
        migrations.AddField(
            model_name="informationsystem",
            name="isolation_state",
            field=models.CharField(
                choices=[
                    ("not_needed", "非孤网，无需审批"),
                    ("awaiting_bdb", "待市大数据发展局初审"),
                    ("awaiting_gov", "待市政府批准"),
                    ("approved", "市政府已批准保留孤网"),
                    ("refused", "孤网未获批准"),
                ],
                default="not_needed",
                max_length=12,
                verbose_name="孤网审批",
            ),
        ),
        migrations.AddField(
            model_name="omrun",
            name="state",
            field=models.CharField(
                choices=[("running", "判定中"), ("decided", "已决定"), ("failed", "判定失败")],
                default="running",
                max_length=8,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(states_from_dates, migrations.RunPython.noop),
    ]
