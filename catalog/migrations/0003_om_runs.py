"""O&M decisions move what a run shares (budget year, policy version, time) to a run record.

Existing decisions keep their run: one OMRun per former run code, with the year, policy and
the earliest decision time of its rows, the counts of its decisions, and who ran it as the
audit ledger recorded it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Min, Q


def _deciders(apps) -> dict[str, int]:
    """Run code -> the user who ran it, from the run's ledger event."""
    LedgerEvent = apps.get_model("core", "LedgerEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    events = LedgerEvent.objects.filter(action="catalog.om_decided", actor__isnull=False)
    by_run = dict(events.values_list("object_id", "actor_id"))
    existing = set(User.objects.filter(pk__in=by_run.values()).values_list("pk", flat=True))
    return {code: actor for code, actor in by_run.items() if actor in existing}


def runs_from_decisions(apps, schema_editor):
    OMDecision = apps.get_model("catalog", "OMDecision")
    OMRun = apps.get_model("catalog", "OMRun")
    deciders = _deciders(apps)
    groups = (
        OMDecision.objects.order_by()
        .values("run", "budget_year", "policy_id")
        .annotate(
            decided_at=Min("decided_at"),
            systems=Count("id"),
            eligible=Count("id", filter=Q(eligible=True)),
        )
    )
    for g in groups:
        run = OMRun.objects.create(
            code=g["run"],
            budget_year=g["budget_year"],
            policy_id=g["policy_id"],
            decided_at=g["decided_at"],
            systems=g["systems"],
            eligible=g["eligible"],
            decided_by_id=deciders.get(g["run"]),
        )
        OMDecision.objects.filter(run=g["run"]).update(run_ref=run)


def decisions_from_runs(apps, schema_editor):
    OMDecision = apps.get_model("catalog", "OMDecision")
    for d in OMDecision.objects.select_related("run_ref").iterator():
        OMDecision.objects.filter(pk=d.pk).update(
            run=d.run_ref.code,
            budget_year=d.run_ref.budget_year,
            policy_id=d.run_ref.policy_id,
            decided_at=d.run_ref.decided_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_om_decision_indexes"),
        ("policy", "0003_zombie_parameters"),
        ("core", "0008_more_action_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OMRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="批次")),
                ("budget_year", models.PositiveSmallIntegerField(verbose_name="预算年度")),
                ("decided_at", models.DateTimeField(verbose_name="决定时间")),
                ("systems", models.PositiveIntegerField(default=0, verbose_name="系统数")),
                ("eligible", models.PositiveIntegerField(default=0, verbose_name="可安排数")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="决定人",
                    ),
                ),
                (
                    "policy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="policy.policyversion",
                        verbose_name="政策版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "运维经费决定批次",
                "verbose_name_plural": "运维经费决定批次",
                "ordering": ["-decided_at", "-id"],
                "indexes": [
                    models.Index(fields=["budget_year", "decided_at"], name="catalog_omr_budget__31536d_idx")
                ],
            },
        ),
        migrations.AddField(
            model_name="omdecision",
            name="run_ref",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="catalog.omrun",
            ),
        ),
        # nullable before they go, so that going back re-adds them to existing rows and fills them
        migrations.AlterField(
            model_name="omdecision", name="run", field=models.CharField(max_length=40, null=True)
        ),
        migrations.AlterField(
            model_name="omdecision",
            name="budget_year",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AlterField(
            model_name="omdecision",
            name="policy",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policy.policyversion",
            ),
        ),
        migrations.AlterField(
            model_name="omdecision", name="decided_at", field=models.DateTimeField(null=True)
        ),
        migrations.RunPython(runs_from_decisions, decisions_from_runs),
        migrations.RemoveIndex(model_name="omdecision", name="catalog_omd_system__790800_idx"),
        migrations.RemoveIndex(model_name="omdecision", name="catalog_omd_run_0e622b_idx"),
        migrations.RemoveField(model_name="omdecision", name="run"),
        migrations.RemoveField(model_name="omdecision", name="budget_year"),
        migrations.RemoveField(model_name="omdecision", name="policy"),
        migrations.RemoveField(model_name="omdecision", name="decided_at"),
        migrations.RenameField(model_name="omdecision", old_name="run_ref", new_name="run"),
        migrations.AlterField(
            model_name="omdecision",
            name="run",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="catalog.omrun",
            ),
        ),
        migrations.AlterModelOptions(
            name="omdecision",
            options={
                "ordering": ["-run_id", "system_id"],
                "verbose_name": "运维经费决定",
                "verbose_name_plural": "运维经费决定",
            },
        ),
        migrations.AddIndex(
            model_name="omdecision",
            index=models.Index(fields=["system", "run"], name="catalog_omd_system__3b0d65_idx"),
        ),
        migrations.AddIndex(
            model_name="omdecision",
            index=models.Index(fields=["run", "eligible"], name="catalog_omd_run_id_12b04f_idx"),
        ),
    ]
