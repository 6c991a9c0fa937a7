"""Each budget line keeps the gate decision it was arranged under (its R10.2 warnings); lines
arranged before name it only in their ledger event, from which it is filled in."""

import django.db.models.deletion
from django.db import migrations, models


def from_ledger(apps, schema_editor):
    BudgetLine = apps.get_model("investment", "BudgetLine")
    LedgerEvent = apps.get_model("core", "LedgerEvent")
    events = LedgerEvent.objects.filter(action="investment.budget_line_added", decision_id__isnull=False)
    for data, decision_id in events.values_list("data", "decision_id").iterator():
        line_id = (data or {}).get("line_id")
        if line_id:
            BudgetLine.objects.filter(pk=line_id, decision__isnull=True).update(
                decision_id=decision_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("investment", "0003_evaluation_results"),
        ("policy", "0003_zombie_parameters"),
    ]

    operations = [
        migrations.AddField(
            model_name="budgetline",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policy.decision",
            ),
        ),
        migrations.RunPython(from_ledger, migrations.RunPython.noop),
    ]
