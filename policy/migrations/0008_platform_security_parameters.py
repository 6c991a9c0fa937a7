"""Two platform security requirements become parameters of every policy version (issue 16,
point 6; MLPS level 3 identity authentication, GB/T 22239-2019 8.1.4.1): the longest an API
token may be valid and how long a password may be used. 90 days each to start with."""

from django.db import migrations, models

DEFAULTS = {"api_token_max_days": "90", "password_max_age_days": "90"}


def add_defaults(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for version in PolicyVersion.objects.all():
        for key, value in DEFAULTS.items():
            PolicyParameter.objects.get_or_create(
                policy=version, key=key, defaults={"value": value}
            )


def remove(apps, schema_editor):
    apps.get_model("policy", "PolicyParameter").objects.filter(key__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0007_art31_block_scope"),
    ]

    operations = [
        migrations.AlterField(
            model_name="policyparameter",
            name="key",
            field=models.CharField(
                choices=[
                    ("approval_threshold", "两阶段审批投资门槛"),
                    ("change_ratio", "建设单位可自行调整的资金比例上限"),
                    ("acceptance_window_months", "建成后申请竣工验收期限"),
                    ("self_eval_start_months", "自评价窗口起点（验收运行后）"),
                    ("self_eval_end_months", "自评价窗口终点（验收运行后）"),
                    ("master_plan_min_years", "整合建设总体方案最短年限"),
                    ("master_plan_max_years", "整合建设总体方案最长年限"),
                    ("performance_report_due", "年度绩效评价报告截止日"),
                    ("mlps_evaluation_period_months", "等保测评周期"),
                    ("crypto_assessment_period_months", "密评周期"),
                    ("sharing_response_days", "共享申请答复期限"),
                    ("zombie_min_monthly_visits", "僵尸系统提示：月访问量下限"),
                    ("zombie_idle_months", "僵尸系统提示：无运维月数"),
                    ("per_user_investment_advisory", "人均投资规模提示线"),
                    ("art31_block_scope", "第三十一、三十二条限制新建改扩建的范围"),
                    ("health_cost_yellow_ratio", "健康度：合同或支付超出批复总投资的比例（关注）"),
                    ("health_cost_red_ratio", "健康度：合同或支付超出批复总投资的比例（预警）"),
                    ("health_changes_yellow", "健康度：已生效调整次数（关注）"),
                    ("health_late_milestones_yellow", "健康度：逾期未完成里程碑数（关注）"),
                    ("health_late_milestones_red", "健康度：逾期未完成里程碑数（预警）"),
                    ("health_start_months", "健康度：批复后未开工月数（关注；两倍为预警）"),
                    ("health_completion_red_days", "健康度：超过计划建成日期的天数（预警）"),
                    ("health_reports_red", "健康度：逾期未报年度绩效评价报告数（预警）"),
                    ("health_supervision_report_days", "健康度：未提交监理报告的天数（关注）"),
                    ("new_data_centre_max_pue", "新建数据中心电能使用效率（PUE）上限"),
                    ("api_token_max_days", "平台安全：接口令牌最长有效期"),
                    ("password_max_age_days", "平台安全：密码最长使用期限"),
                ],
                max_length=64,
                verbose_name="参数",
            ),
        ),
        migrations.RunPython(add_defaults, remove),
    ]
