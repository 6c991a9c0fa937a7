"""On PostgreSQL, refuse UPDATE and DELETE on the ledger table at the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION govit_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'govit audit ledger is append-only: % on core_ledgerevent refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_ledgerevent_append_only
    BEFORE UPDATE OR DELETE ON core_ledgerevent
    FOR EACH ROW EXECUTE FUNCTION govit_ledger_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS core_ledgerevent_append_only ON core_ledgerevent;
DROP FUNCTION IF EXISTS govit_ledger_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
