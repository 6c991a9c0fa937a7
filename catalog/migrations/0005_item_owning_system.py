"""Information items name their owning system (STANDARDS.md: data resource catalog). Existing
items of a resource with exactly one providing system are given that system, as new ones are."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery


def items_of_single_system_resources(apps, schema_editor):
    DataResource = apps.get_model("catalog", "DataResource")
    InformationItem = apps.get_model("catalog", "InformationItem")
    links = DataResource.systems.through.objects
    single = (
        links.order_by()
        .values("dataresource_id")
        .annotate(n=Count("id"))
        .filter(n=1)
        .values("dataresource_id")
    )
    owner = links.filter(dataresource_id=OuterRef("resource_id")).values("informationsystem_id")
    InformationItem.objects.filter(system__isnull=True, resource_id__in=single).update(
        system_id=Subquery(owner[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_authoritative_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="informationitem",
            name="system",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="items",
                to="catalog.informationsystem",
                verbose_name="所属系统",
            ),
        ),
        migrations.RunPython(items_of_single_system_resources, migrations.RunPython.noop),
    ]
