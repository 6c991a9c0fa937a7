"""Document frequencies of projects, and the number of projects indexed: boilerplate is judged
by kind (``search.ranking.Corpus.boilerplate``). The counts of an existing index are filled
from its postings; ``manage.py evidence_reindex`` applies the dictionaries of this version
(numbers and the generic endings of system names are no longer terms)."""

from django.db import migrations, models


def count_projects(apps, schema_editor):
    IndexDoc = apps.get_model("evidence", "IndexDoc")
    IndexStats = apps.get_model("evidence", "IndexStats")
    IndexTerm = apps.get_model("evidence", "IndexTerm")
    Posting = apps.get_model("evidence", "Posting")
    projects = IndexDoc.objects.filter(kind="project")
    IndexStats.objects.update(projects=projects.count())
    counts = (
        Posting.objects.filter(doc_id__in=projects.values("pk"))
        .order_by()
        .values_list("term_id")
        .annotate(n=models.Count("doc_id"))
    )
    for term_id, n in counts:
        IndexTerm.objects.filter(pk=term_id).update(project_df=n)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexstats",
            name="projects",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="indexterm",
            name="project_df",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_projects, migrations.RunPython.noop),
    ]
