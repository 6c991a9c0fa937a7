"""The dashboards' figures in whole numbers (money in cents, times in microseconds). Numeric and
interval columns do not cast to bigint, so the columns are made anew; the rows are derived data,
deleted here and recomputed on the next page or by the daily task."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_project_figures"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM reports_projectfigures", migrations.RunSQL.noop),
        migrations.RemoveField(model_name="projectfigures", name="requested"),
        migrations.AddField(
            model_name="projectfigures", name="requested", field=models.BigIntegerField(default=0)
        ),
        migrations.RemoveField(model_name="projectfigures", name="approved"),
        migrations.AddField(
            model_name="projectfigures", name="approved", field=models.BigIntegerField(null=True)
        ),
        migrations.RemoveField(model_name="projectfigures", name="planned"),
        migrations.AddField(
            model_name="projectfigures", name="planned", field=models.BigIntegerField(null=True)
        ),
        migrations.RemoveField(model_name="projectfigures", name="budgeted"),
        migrations.AddField(
            model_name="projectfigures", name="budgeted", field=models.BigIntegerField(null=True)
        ),
        migrations.RemoveField(model_name="projectfigures", name="contracted"),
        migrations.AddField(
            model_name="projectfigures", name="contracted", field=models.BigIntegerField(null=True)
        ),
        migrations.RemoveField(model_name="projectfigures", name="paid"),
        migrations.AddField(
            model_name="projectfigures", name="paid", field=models.BigIntegerField(null=True)
        ),
        migrations.RemoveField(model_name="projectfigures", name="list_time"),
        migrations.AddField(
            model_name="projectfigures", name="list_time", field=models.BigIntegerField(null=True)
        ),
        migrations.RemoveField(model_name="projectfigures", name="evaluation_time"),
        migrations.AddField(
            model_name="projectfigures",
            name="evaluation_time",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RemoveField(model_name="projectfigures", name="joint_time"),
        migrations.AddField(
            model_name="projectfigures", name="joint_time", field=models.BigIntegerField(null=True)
        ),
        migrations.RemoveField(model_name="projectfigures", name="drc_approval_time"),
        migrations.AddField(
            model_name="projectfigures",
            name="drc_approval_time",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RemoveField(model_name="projectfigures", name="design_content_time"),
        migrations.AddField(
            model_name="projectfigures",
            name="design_content_time",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RemoveField(model_name="projectfigures", name="isolation_time"),
        migrations.AddField(
            model_name="projectfigures",
            name="isolation_time",
            field=models.BigIntegerField(null=True),
        ),
    ]
