"""Load the municipal policy of 渝府办发〔2021〕122号 and one district example (Art. 39)."""

import datetime as dt

from django.db import migrations

COMMON = {
    "approval_threshold": "30000000.00",
    "change_ratio": "0.15",
    "acceptance_window_months": "6",
    "self_eval_start_months": "12",
    "self_eval_end_months": "24",
    "master_plan_min_years": "3",
    "master_plan_max_years": "5",
    "performance_report_due": "12-31",
    "mlps_evaluation_period_months": "12",
    "crypto_assessment_period_months": "12",
    "sharing_response_days": "10",
    "per_user_investment_advisory": "50000.00",
}

POLICIES = [
    {
        "code": "cq-municipal-2021",
        "name": "重庆市市级政务信息化项目管理办法",
        "document": "渝府办发〔2021〕122号",
        "division_code": "",
        "effective_from": dt.date(2021, 11, 10),
        "params": COMMON,
    },
    {
        "code": "cq-yuzhong-example-2022",
        "name": "渝中区政务信息化项目管理办法（示例）",
        "document": "参照渝府办发〔2021〕122号第三十九条制定（示例）",
        "division_code": "500103",
        "effective_from": dt.date(2022, 1, 1),
        "params": {**COMMON, "approval_threshold": "10000000.00"},
    },
]


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for spec in POLICIES:
        params = spec["params"]
        fields = {k: v for k, v in spec.items() if k != "params"}
        version, _ = PolicyVersion.objects.update_or_create(code=spec["code"], defaults=fields)
        for key, value in params.items():
            PolicyParameter.objects.update_or_create(policy=version, key=key, defaults={"value": value})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyVersion").objects.filter(
        code__in=[p["code"] for p in POLICIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
