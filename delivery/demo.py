"""Demo delivery data: approved projects carried through construction, trial, completion,
acceptance and go-live with the real actions by the real demo roles (Art. 16, 22-24, 28-30), on
dates counted back from today so that every statutory clock shows what it should:

- in construction, with milestones, a supervision report of 渝信监理, last year's annual report
  and an incident under a rectification order of 市发展改革委 (Art. 22-24);
- in trial operation (Art. 23);
- completed about two months ago, materials uploaded, awaiting archive and completion
  acceptance (open) (Art. 28, 29);
- completed on the last day of the month eight months ago, so overdue for acceptance, without
  an extension (Art. 28);
- at or above the threshold, accepted by 市大数据发展局 on the unit's application and live; it
  built a new data centre, within the policy's PUE ceiling (Art. 19);
- below it, accepted by its unit and filed, live for about 13 months: due for self-evaluation
  (Art. 30), with a post-evaluation commissioned by 市发展改革委.

Both acceptances record what Art. 19 asks of them: products secure and reliable, crypto
evaluation and security review, energy efficiency.

Each project is walked to approval first (``projects.walk``) with the approval number of its
year. Idempotent: a scenario whose project exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.dates import add_months, today
from documents.actions import upload_document
from investment import actions as money
from projects.models import Project, ProjectState
from projects.walk import Walker, pdf

from . import actions
from .models import Milestone
from .services import ACCEPTANCE_MATERIALS

S = ProjectState


def ago(months: int = 0, days: int = 0) -> dt.date:
    """``months`` calendar months and ``days`` days before today (negative: ahead)."""
    return add_months(today(), -months) - dt.timedelta(days=days)


def month_end(months: int) -> dt.date:
    """The last day of the month ``months`` months ago (8 in November: 31 March)."""
    first = add_months(today().replace(day=1), -months + 1)
    return first - dt.timedelta(days=1)


def first_of(kind: str) -> Organisation:
    """The first active organisation of ``kind`` in the demo directory."""
    return Organisation.objects.filter(kind=kind, is_active=True).order_by("pk")[:1].get()


@dataclass(frozen=True)
class Scenario:
    key: str
    unit_user: str
    name: str
    item: str
    wan: str
    years_back: int  # the project's year, counted back from this year
    number: int  # of the approval document 渝发改数〔year〕N号
    supplier: str
    agency: str
    person: str


CONSTRUCTION = Scenario(
    "construction",
    "jw_tianbao",
    "教育数据共享交换平台",
    "教育数据资源标准体系及数据治理工程",
    "1280",
    1,
    38,
    "重庆教育数据服务有限公司（示例）",
    "市教育信息技术与装备中心",
    "刘志远",
)
TRIAL = Scenario(
    "trial",
    "wj_tianbao",
    "互联网医院处方流转监管子系统",
    "互联网医院监管平台",
    "720",
    1,
    44,
    "重庆数智健康科技有限公司（示例）",
    "市卫生健康统计信息中心",
    "陈晓燕",
)
AWAITING = Scenario(
    "awaiting_acceptance",
    "jw_tianbao",
    "学生资助资金发放监管系统",
    "学生资助精准认定系统",
    "420",
    1,
    17,
    "重庆渝教软件有限公司（示例）",
    "市学生资助管理中心",
    "黄俊",
)
OVERDUE = Scenario(
    "overdue_acceptance",
    "wj_tianbao",
    "全民健康数据质量监测系统",
    "全民健康信息数据治理与标准化工程",
    "360",
    1,
    9,
    "重庆医信数据科技有限公司（示例）",
    "市卫生健康统计信息中心",
    "陈晓燕",
)
ACCEPTED = Scenario(
    "accepted",
    "jw_tianbao",
    "智慧校园安全管理平台",
    "智慧教育综合服务平台（二期）",
    "3200",  # at or above the threshold: two-stage approval, BDB organises acceptance
    2,
    52,
    "重庆智校科技有限公司（示例）",
    "市教育信息技术与装备中心",
    "刘志远",
)
SELF_EVALUATION = Scenario(
    "self_evaluation",
    "wj_tianbao",
    "医疗机构电子证照管理系统",
    "互联网医院监管平台",
    "380",
    2,
    31,
    "重庆数智健康科技有限公司（示例）",
    "市卫生健康统计信息中心",
    "陈晓燕",
)
SCENARIOS = [CONSTRUCTION, TRIAL, AWAITING, OVERDUE, ACCEPTED, SELF_EVALUATION]

ARCHIVES = {"文书档案": True, "电子文件": True, "声像档案": True, "设备与软件资料": True}


class Carrier:
    """Carries one scenario's project with the real actions of its unit and the reviewers."""

    def __init__(self, people, scenario: Scenario):
        self.p = people
        self.s = scenario
        self.officer = people[scenario.unit_user]
        self.project: Project | None = None

    @property
    def approved(self) -> Project:
        """The scenario's project, once ``approve`` has made it."""
        if self.project is None:
            raise RuntimeError(f"{self.s.key}: approve the project first")
        return self.project

    # -- approval and preparation (Art. 16, 22) ------------------------------------------

    def approve(self) -> Project:
        s, walker = self.s, Walker(self.p, self.s.unit_user)
        year = today().year - s.years_back
        project = walker.create(s.name, s.wan, item_name=s.item, year=year)
        if project.kind == "expansion":
            walker.attach(project, "post_evaluation", "原项目第三方后评价报告")
        project = walker.walk(project, S.DRC_REVIEW)
        if project.approval_path == "two":  # FSR approval, then the preliminary design
            project = walker.approve(project, number=f"渝发改数〔{year}〕{s.number - 30}号")
            project = walker.walk(project, S.DESIGN_DRC_REVIEW)
        self.project = walker.approve(project, number=f"渝发改数〔{year}〕{s.number}号")
        return self.project

    def prepare(self, signed_on: dt.date) -> None:
        s, project = self.s, self.approved
        actions.set_implementation(
            project,
            acting_user=self.officer,
            implementing_agency=s.agency,
            responsible_person=s.person,
            responsible_phone="023-63800000",
        )
        actions.assign_supervisor(
            project,
            acting_user=self.officer,
            supervisor=first_of(OrgKind.SUPERVISOR).pk,
            contract_number=f"JL-{project.code}",
        )
        money.record_contract(
            project,
            acting_user=self.officer,
            number=f"HT-{project.code}",
            title=f"{project.name}建设合同",
            supplier=s.supplier,
            method="open",
            amount_wan=str(int(int(s.wan) * 0.9)),
            signed_on=signed_on,
        )

    # -- construction ----------------------------------------------------------------------

    def start(self, on: dt.date) -> None:
        actions.start_construction(self.project, acting_user=self.officer, started_on=on)

    def milestones(self, rows) -> None:
        """``rows``: (name, planned on, done on or None, weight)."""
        for name, planned, done, weight in rows:
            m = actions.add_milestone(
                self.project,
                acting_user=self.officer,
                name=name,
                planned_on=planned.isoformat(),
                weight=weight,
            )
            if done is not None:
                actions.complete_milestone(m, acting_user=self.officer, done_on=done)

    def supervision(self, period: str, content: str, opinion: str) -> None:
        actions.submit_supervision_report(
            self.project,
            acting_user=self.p["jl_gongchengshi"],
            period=period,
            content=content,
            opinion=opinion,
        )

    def annual_report(self, year: int, summary: str, trial_effects: str = "") -> None:
        actions.submit_annual_report(
            self.project,
            acting_user=self.officer,
            year=year,
            summary=summary,
            user_opinions="使用单位认为系统功能符合业务需要，建议加强操作培训。",
            supervisor_opinion="渝信监理：工程质量受控，进度与计划基本一致，资金使用规范。",
            trial_effects=trial_effects,
        )

    def trial(self, on: dt.date) -> None:
        actions.start_trial(self.project, acting_user=self.officer, trial_started_on=on)

    def complete(self, on: dt.date) -> None:
        # Art. 28: a project completed with milestones still open states why (seeded as is)
        reason = (
            "剩余里程碑为上线后持续优化事项，不影响系统建成和竣工验收。"
            if Milestone.objects.filter(project=self.project, done_on__isnull=True).exists()
            else ""
        )
        actions.complete_construction(
            self.project, acting_user=self.officer, completed_on=on, incomplete_reason=reason
        )

    # -- acceptance (Art. 28, 29) ----------------------------------------------------------

    def materials(self, skip=()) -> None:
        for doc_type, title in ACCEPTANCE_MATERIALS.items():
            if doc_type in skip:
                continue
            upload_document(
                self.approved,
                acting_user=self.officer,
                doc_type=doc_type,
                title=f"{self.approved.name}{title}",
                file=pdf(f"{doc_type}.pdf"),
            )

    def archives(self, on: dt.date) -> None:
        actions.accept_archives(
            self.project, acting_user=self.p["dsj_shenhe"], checklist=ARCHIVES, accepted_on=on
        )

    def go_live(self, on: dt.date) -> None:
        actions.go_live(self.project, acting_user=self.officer, golive_on=on)


def _quarter(day: dt.date) -> str:
    return f"{day.year}年第{'一二三四'[(day.month - 1) // 3]}季度"


def _construction(c: Carrier) -> None:
    """Started 14 months ago; last year's report in; behind schedule, rectification ordered."""
    c.approve()
    c.prepare(ago(15))
    c.start(ago(14))
    c.milestones(
        [
            ("需求分析与总体设计", ago(12), ago(12, days=-5), 15),
            ("数据标准与治理工具开发", ago(6), ago(5), 30),
            ("共享交换接口开发与联调", ago(1), None, 35),
            ("试运行与上线", ago(-5), None, 20),
        ]
    )
    c.annual_report(
        today().year - 1,
        "完成需求分析与总体设计，制定教育数据标准 12 项，数据治理工具开发有序推进。",
    )
    c.supervision(
        _quarter(ago(2)),
        "抽查数据交换接口 18 个，发现 5 个接口未按数据标准开发；联调进度滞后计划约 1 个月。",
        "建议建设单位督促承建单位增加开发人员，按数据标准整改接口后再组织联调。",
    )
    incident = actions.report_incident(
        c.project,
        acting_user=c.officer,
        kind="delay",
        description="共享交换接口开发与联调较计划滞后约 1 个月，原因为区县学籍数据接入条件"
        "未落实；已调整人员和计划，预计延后 1 个月完成。",
    )
    actions.order_rectification(
        incident,
        acting_user=c.p["fgw_jingban"],
        deadline=(today() + dt.timedelta(days=45)).isoformat(),
        order_text="请于期限内落实区县数据接入条件、追回进度，并报送整改情况和调整后的进度计划。",
    )


def _trial(c: Carrier) -> None:
    """Started 16 months ago; in trial operation for two months."""
    c.approve()
    c.prepare(ago(17))
    c.start(ago(16))
    c.milestones(
        [
            ("需求分析与设计", ago(14), ago(14), 20),
            ("处方流转监管功能开发", ago(8), ago(8, days=-10), 40),
            ("与互联网医院平台联调", ago(3), ago(3), 20),
            ("试运行", ago(-2), None, 20),
        ]
    )
    c.annual_report(
        today().year - 1, "完成需求分析与设计，处方流转监管功能开发完成 60%，进度符合计划。"
    )
    c.trial(ago(2))
    c.supervision(
        _quarter(ago(1)),
        "试运行期间接入互联网医院 23 家，处方流转监管规则运行正常，发现并处理缺陷 14 个。",
        "同意继续试运行，建议试运行满 3 个月后组织初验。",
    )


def _awaiting(c: Carrier) -> None:
    """Completed about two months ago; materials uploaded, archives not yet accepted."""
    c.approve()
    c.prepare(ago(21))
    c.start(ago(20))
    c.milestones(
        [
            ("需求分析与设计", ago(18), ago(18), 20),
            ("资助资金发放监管功能开发", ago(11), ago(11), 50),
            ("试运行", ago(3), ago(2, days=2), 30),
        ]
    )
    c.annual_report(
        today().year - 1, "完成资助资金发放监管功能开发，对接市财政国库支付数据，进度符合计划。"
    )
    c.trial(ago(7))
    c.complete(today() - dt.timedelta(days=60))
    c.materials()


def _overdue(c: Carrier) -> None:
    """Completed on the last day of the month eight months ago: the six months have passed
    without an application or an extension; two materials are still missing."""
    completed = month_end(8)
    c.approve()
    c.prepare(ago(22))
    c.start(ago(21))
    c.milestones(
        [
            ("需求分析与设计", ago(19), ago(19), 20),
            ("数据质量规则与监测功能开发", ago(13), ago(13), 50),
            ("试运行", completed, completed, 30),
        ]
    )
    c.annual_report(today().year - 1, "完成数据质量监测功能开发，已接入 36 家医疗机构数据。")
    c.trial(ago(10))
    c.complete(completed)
    c.materials(skip=("audit_report", "crypto_assessment"))


def _accepted(c: Carrier) -> None:
    """Two-stage project: BDB organised the acceptance on the unit's application; live."""
    c.approve()
    c.prepare(ago(28))
    c.start(ago(27))
    c.milestones(
        [
            ("需求分析与初步设计深化", ago(25), ago(25), 15),
            ("校园安全视频汇聚与预警功能开发", ago(16), ago(16), 45),
            ("区县部署与联调", ago(12), ago(12), 20),
            ("试运行", ago(5), ago(4), 20),
        ]
    )
    c.annual_report(today().year - 2, "完成初步设计深化和视频汇聚平台搭建，进度符合计划。")
    c.trial(ago(11))
    c.annual_report(
        today().year - 1,
        "完成全部功能开发并在 12 个区县部署，进入试运行。",
        trial_effects="试运行覆盖 1,200 所学校，预警信息平均处置时间由 2 小时缩短至 25 分钟。",
    )
    c.complete(ago(4))
    c.materials()
    c.archives(today() - dt.timedelta(days=20))
    acceptance = actions.apply_acceptance(c.project, acting_user=c.officer)
    actions.decide_acceptance(
        acceptance,
        acting_user=c.p["dsj_shenhe"],
        passed=True,
        held_on=today(),
        conclusion="建设内容按批复完成，等保测评和密评均符合要求，档案齐全，验收合格。",
        # Art. 19: this project built its own video-aggregation machine room (a new data centre)
        products_reliability="all",
        products_note="服务器、存储、操作系统和数据库均采用安全可靠产品，已核验采购清单。",
        crypto_evaluation="passed",
        security_review="not_applicable",
        energy_note="服务器和存储设备均为一级能效产品，机房采用间接蒸发冷却。",
        new_data_centre=True,
        pue="1.25",
    )
    c.go_live(today())


def _self_evaluation(c: Carrier) -> None:
    """Accepted by the unit (filed with BDB) and live about 13 months: inside the 12-24 month
    self-evaluation window; 市发展改革委 has commissioned a post-evaluation too."""
    c.approve()
    c.prepare(ago(29))
    c.start(ago(28))
    c.milestones(
        [
            ("需求分析与设计", ago(26), ago(26), 20),
            ("电子证照签发与核验功能开发", ago(21), ago(21), 50),
            ("试运行", ago(17), ago(17), 30),
        ]
    )
    c.annual_report(
        today().year - 2, "完成电子证照签发与核验功能开发，对接国家医疗机构电子证照库。"
    )
    c.trial(ago(20))
    c.complete(ago(17))
    c.materials()
    c.archives(ago(15))
    actions.file_unit_acceptance(
        c.project,
        acting_user=c.officer,
        passed=True,
        held_on=ago(14),
        conclusion="建设单位组织专家验收：功能、性能和安全均达到批复要求，同意通过验收。",
        # Art. 19: hosted on the Digital Chongqing cloud, no data centre of its own
        products_reliability="partial",
        products_note="应用服务器和数据库为安全可靠产品；签章服务器沿用原有设备，计划 2027 年替换。",
        crypto_evaluation="passed",
        security_review="not_applicable",
        energy_note="部署于数字重庆云平台，不新增硬件设备。",
    )
    c.go_live(ago(13))
    actions.commission_post_evaluation(
        c.project, acting_user=c.p["fgw_jingban"], consultant=first_of(OrgKind.CONSULTANT).pk
    )


STEPS = {
    CONSTRUCTION.key: _construction,
    TRIAL.key: _trial,
    AWAITING.key: _awaiting,
    OVERDUE.key: _overdue,
    ACCEPTED.key: _accepted,
    SELF_EVALUATION.key: _self_evaluation,
}


def demo_project(people, scenario: Scenario) -> Project | None:
    return Project.objects.filter(
        name=scenario.name, unit=people[scenario.unit_user].primary_organisation
    ).first()


@transaction.atomic
def seed_delivery(people: dict) -> dict[str, Project]:
    """``people`` by username, as returned by ``accounts.demo.seed_directory``; needs the filed
    master plans of ``planning.demo``. Returns the project of each scenario by key."""
    out: dict[str, Project] = {}
    for scenario in SCENARIOS:
        project = demo_project(people, scenario)
        if project is None:
            carrier = Carrier(people, scenario)
            STEPS[scenario.key](carrier)
            project = carrier.approved
        out[scenario.key] = project
    return out
