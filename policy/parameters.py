"""The typed parameters a policy version carries. Every number a rule uses is one of these;
no rule holds a literal threshold or ratio."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.findings import StrOrPromise

# what a parameter's text parses to: money, ratios and other numbers, counts, a (month, day)
ParamValue = Decimal | int | tuple[int, int] | str

# the readings of "项目建设单位不得新建、改扩建" (Art. 31, 32) a policy version may choose
SCOPE_UNIT = "unit"
SCOPE_SYSTEM = "system"
SCOPES = (SCOPE_UNIT, SCOPE_SYSTEM)


@dataclass(frozen=True)
class ParamSpec:
    key: str
    kind: str  # money | ratio | number | int | month_day | scope
    label: StrOrPromise
    unit: str
    article: str
    note: StrOrPromise = ""

    def parse(self, raw: str) -> ParamValue:
        """Text as stored -> typed value; raises ValueError with a Chinese message."""
        try:
            if self.kind in ("money", "ratio", "number"):
                value = Decimal(raw)
                if value < 0 or (self.kind == "ratio" and value > 1):
                    raise ValueError
                return value
            if self.kind == "int":
                count = int(raw)
                if count < 0:
                    raise ValueError
                return count
            if self.kind == "scope":
                if raw not in SCOPES:
                    raise ValueError
                return raw
            if self.kind == "month_day":
                month, day = (int(x) for x in raw.split("-"))
                if not (1 <= month <= 12 and 1 <= day <= 31):
                    raise ValueError
                return (month, day)
        except (ValueError, InvalidOperation) as exc:
            raise ValueError(f"参数“{self.label}”的取值“{raw}”无效。") from exc
        raise ValueError(f"未知参数类型 {self.kind}")


def _param(kind: str, label: StrOrPromise, unit: str, article: str, note: StrOrPromise = "") -> Any:
    """A dataclass field carrying its spec (read by ``SPECS``)."""
    return field(metadata={"spec": (kind, label, unit, article, note)})


@dataclass(frozen=True)
class PolicyParams:
    """The parameters of one policy version, typed: ``policy.p.approval_threshold``. Every
    number a rule uses is one of these; no rule holds a literal threshold or ratio."""

    approval_threshold: Decimal = _param("money", _("两阶段审批投资门槛"), "元", "第九条")
    change_ratio: Decimal = _param(
        "ratio", _("建设单位可自行调整的资金比例上限"), "比例", "第二十六条"
    )
    acceptance_window_months: int = _param("int", _("建成后申请竣工验收期限"), "月", "第二十八条")
    self_eval_start_months: int = _param("int", _("自评价窗口起点（验收运行后）"), "月", "第三十条")
    self_eval_end_months: int = _param("int", _("自评价窗口终点（验收运行后）"), "月", "第三十条")
    master_plan_min_years: int = _param("int", _("整合建设总体方案最短年限"), "年", "第六条")
    master_plan_max_years: int = _param("int", _("整合建设总体方案最长年限"), "年", "第六条")
    performance_report_due: tuple[int, int] = _param(
        "month_day", _("年度绩效评价报告截止日"), "月-日", "第二十三条"
    )
    mlps_evaluation_period_months: int = _param(
        "int",
        _("等保测评周期"),
        "月",
        "第十七条",
        _("三级系统每年至少一次（规章未定，按行业惯例配置）"),
    )
    crypto_assessment_period_months: int = _param(
        "int",
        _("密评周期"),
        "月",
        "第十八条",
        _("三级系统每年至少一次（规章未定，按行业惯例配置）"),
    )
    sharing_response_days: int = _param(
        "int", _("共享申请答复期限"), "日", "第十四条", _("规章未定，按本市数据共享规定配置")
    )
    zombie_min_monthly_visits: int = _param(
        "int",
        _("僵尸系统提示：月访问量下限"),
        "次",
        "第三十三条",
        _("规章未定具体数值，由主管部门配置"),
    )
    zombie_idle_months: int = _param(
        "int",
        _("僵尸系统提示：无运维月数"),
        "月",
        "第三十三条",
        _("规章未定具体数值，由主管部门配置"),
    )
    per_user_investment_advisory: Decimal = _param(
        "money",
        _("人均投资规模提示线"),
        "元",
        "第二十一条",
        _("规章未定具体数值，由主管部门配置"),
    )

    # Art. 31, 32: whose failing system stops new and expansion projects. The owner's reading
    # is the unit's ("项目建设单位不得新建、改扩建"); a district or a later policy may choose the
    # narrower reading, the system's own expansion only.
    art31_block_scope: str = _param(
        "scope",
        _("第三十一、三十二条限制新建改扩建的范围"),
        "unit / system",
        "第三十一条",
        _(
            "unit：单位有不符合要求的系统，其新建、改扩建项目均不得申报和批复；"
            "system：只限改扩建该系统的项目"
        ),
    )

    # The health rating of the reports chapter (issue 12, point 2): the measures set no figures,
    # so these are the starting values the authorities may change per policy version.
    health_cost_yellow_ratio: Decimal = _param(
        "ratio",
        _("健康度：合同或支付超出批复总投资的比例（关注）"),
        "比例",
        "第二十六条",
        _("超出该比例即为“关注”；0 表示任何超出"),
    )
    health_cost_red_ratio: Decimal = _param(
        "ratio", _("健康度：合同或支付超出批复总投资的比例（预警）"), "比例", "第二十六条"
    )
    health_changes_yellow: int = _param(
        "int", _("健康度：已生效调整次数（关注）"), "次", "第二十六条"
    )
    health_late_milestones_yellow: int = _param(
        "int", _("健康度：逾期未完成里程碑数（关注）"), "个", "第二十二条"
    )
    health_late_milestones_red: int = _param(
        "int", _("健康度：逾期未完成里程碑数（预警）"), "个", "第二十二条"
    )
    health_start_months: int = _param(
        "int",
        _("健康度：批复后未开工月数（关注；两倍为预警）"),
        "月",
        "第十六条",
    )
    health_completion_red_days: int = _param(
        "int", _("健康度：超过计划建成日期的天数（预警）"), "日", "第二十六条"
    )
    health_reports_red: int = _param(
        "int", _("健康度：逾期未报年度绩效评价报告数（预警）"), "份", "第二十三条"
    )
    health_supervision_report_days: int = _param(
        "int", _("健康度：未提交监理报告的天数（关注）"), "日", "第二十二条"
    )
    # Art. 19 makes the energy efficiency of a new data centre part of the acceptance but gives
    # no figure: this is the platform's, pending a policy decision.
    new_data_centre_max_pue: Decimal = _param(
        "number",
        _("新建数据中心电能使用效率（PUE）上限"),
        "PUE",
        "第十九条",
        _("规章未定，平台暂按 1.3 配置，待主管部门确定"),
    )

    # Platform security requirements, not the measures' (issue 16, point 6): identity
    # authentication of MLPS level 3 (GB/T 22239-2019 8.1.4.1) asks that credentials be
    # changed periodically; the figures are the platform's, which a policy version may change.
    api_token_max_days: int = _param(
        "int",
        _("平台安全：接口令牌最长有效期"),
        "日",
        "GB/T 22239-2019 8.1.4.1",
        _("等保三级身份鉴别（平台安全要求，非办法条款）；新建令牌的有效期不得超过该天数"),
    )
    password_max_age_days: int = _param(
        "int",
        _("平台安全：密码最长使用期限"),
        "日",
        "GB/T 22239-2019 8.1.4.1",
        _("等保三级身份鉴别（平台安全要求，非办法条款）；超过即须修改密码，0 表示不限"),
    )


SPECS: dict[str, ParamSpec] = {
    f.name: ParamSpec(f.name, *f.metadata["spec"]) for f in fields(PolicyParams)
}
