"""Seed the indicator tree of 绩效目标表 (STANDARDS.md): 产出 (数量/质量/时效/成本),
效益 (经济/社会/生态/可持续影响), 满意度 (服务对象满意度). Editable afterwards."""

from django.db import migrations

TREE = [
    ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
    ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
    ("满意度指标", ["服务对象满意度指标"]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("investment", "IndicatorCategory")
    for order, (root_name, children) in enumerate(TREE, start=1):
        root, _ = Category.objects.get_or_create(parent=None, name=root_name, defaults={"order": order})
        for child_order, name in enumerate(children, start=1):
            Category.objects.get_or_create(parent=root, name=name, defaults={"order": child_order})


class Migration(migrations.Migration):
    dependencies = [("investment", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
