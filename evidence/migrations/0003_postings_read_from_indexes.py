"""The postings are read from indexes alone (``Posting``): by document, ``posting_by_doc``
(document, term, weight) instead of the document alone; by term, on PostgreSQL, the primary
key carries the weight (``INCLUDE``), so the candidate step is an index-only scan. Other
databases keep the plain primary key (PostgreSQL is where the index is large)."""

from django.db import migrations, models

TABLE = "evidence_posting"
PK = f"{TABLE}_pkey"


def _primary_key(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} DROP CONSTRAINT {PK}, "
        f"ADD CONSTRAINT {PK} PRIMARY KEY (term_id, doc_id){include}"
    )


def carry_weight(apps, schema_editor):
    _primary_key(schema_editor, " INCLUDE (weight)")


def plain(apps, schema_editor):
    _primary_key(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_term_and_corpus_counts_by_kind"),
    ]

    operations = [
        migrations.AlterField(
            model_name="posting",
            name="doc_id",
            field=models.IntegerField(),
        ),
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(fields=["doc_id", "term_id", "weight"], name="posting_by_doc"),
        ),
        migrations.RunPython(carry_weight, plain),
    ]
