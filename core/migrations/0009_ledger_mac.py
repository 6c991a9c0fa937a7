"""The ledger's keyed seal (HMAC-SM3 with a key outside the database, issue 16), and a refusal
of TRUNCATE at PostgreSQL, which the row trigger of 0002 does not cover. Events already in
the ledger are sealed here (the migration runs as the table's owner, so it may lift the
append-only trigger for that one update)."""

from django.db import migrations, models

TRUNCATE = """
CREATE OR REPLACE FUNCTION govit_ledger_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'govit audit ledger is append-only: TRUNCATE of core_ledgerevent refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_ledgerevent_no_truncate
    BEFORE TRUNCATE ON core_ledgerevent
    FOR EACH STATEMENT EXECUTE FUNCTION govit_ledger_refuse_truncate();
"""
DROP_TRUNCATE = """
DROP TRIGGER IF EXISTS core_ledgerevent_no_truncate ON core_ledgerevent;
DROP FUNCTION IF EXISTS govit_ledger_refuse_truncate();
"""


def seal_existing(apps, schema_editor):
    from core.ledger import seal_unsealed

    seal_unsealed(using=schema_editor.connection.alias, model=apps.get_model("core", "LedgerEvent"))


def refuse_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRUNCATE, params=None)


def allow_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRUNCATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_more_action_codes")]
    operations = [
        migrations.AddField(
            model_name="ledgerevent",
            name="mac",
            field=models.CharField(blank=True, max_length=64, verbose_name="HMAC-SM3"),
        ),
        migrations.AddField(
            model_name="ledgerevent",
            name="key_id",
            field=models.CharField(blank=True, max_length=16, verbose_name="密钥编号"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(refuse_truncate, allow_truncate),
    ]
