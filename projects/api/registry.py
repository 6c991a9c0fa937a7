"""The published project list (Art. 8 ¶2), cross-department frameworks (Art. 13), classified
stubs (Art. 8 ¶3) and the 渝快办 intake (Art. 8) over JSON."""

from django.db import IntegrityError
from ninja import Query
from ninja.responses import Status

from accounts.api import ApiTokenAuth
from accounts.scoping import for_user, get_visible_or_404
from core.api import ACT_ERRORS
from core.api_routes import perform
from core.filters import apply

from .. import actions
from ..contracts import (
    ClassifiedStubIn,
    FrameworkDistrictIn,
    FrameworkIn,
    FrameworkParticipantIn,
    FrameworkReviewIn,
    ProjectIntakeIn,
    ProjectListPublishIn,
)
from ..filters import FrameworkFilter, ProjectListFilter, StubFilter
from ..models import ClassifiedStub, Framework, ProjectListVersion
from ..schemas import ClassifiedStubOut, FrameworkOut, ProjectListOut, ProjectOut
from .common import framework_out, project_out
from .router import router

# -- the published project list (Art. 8 ¶2) -----------------------------------------------------


def _lists():
    return ProjectListVersion.objects.select_related("published_by")


@router.create("/lists", ProjectListOut, "发布项目清单")
def list_publish(request, payload: ProjectListPublishIn):
    """市大数据发展局发布某年度项目清单的新版本：列入清单的全部项目及其建设单位、金额和
    优先级的快照；上一版本被取代（第八条）。该年度尚无列入项目时返回 409。"""
    version = perform(request, actions.publish_project_list, None, payload)
    return Status(201, _lists().get(pk=version.pk))


@router.list("/lists", ProjectListOut, "项目清单版本")
def list_versions(request, filters: Query[ProjectListFilter.schema()]):  # type: ignore[valid-type]
    """已发布的项目清单各版本，最新在前；可按年度 ``year`` 筛选。"""
    qs = apply(ProjectListFilter, request.GET, for_user(_lists(), request.auth)).qs
    return qs.order_by("-year", "-number")


@router.read("/lists/{int:list_id}", ProjectListOut, "项目清单详情")
def list_detail(request, list_id: int):
    """一个项目清单版本及其全部条目。"""
    return get_visible_or_404(_lists(), request.auth, pk=list_id)


# -- cross-department frameworks (Art. 13) ------------------------------------------------------


@router.create("/frameworks", FrameworkOut, "新建跨部门项目框架方案")
def framework_create(request, payload: FrameworkIn):
    """牵头单位编制跨部门项目框架方案（第十三条）：目标、主要内容、初步数据资源目录；
    牵头单位自动成为参与单位。``lead_unit`` 省略时取本人所在的唯一建设单位（旧字段名
    ``lead_unit_id`` 仍可用）。"""
    framework = perform(request, actions.create_framework, None, payload)
    return Status(201, framework_out(framework))


@router.list("/frameworks", FrameworkOut, "跨部门项目框架方案列表")
def framework_list(request, filters: Query[FrameworkFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见的框架方案（牵头或参与单位，及市大数据发展局等）；可按状态 ``state``
    筛选，``q`` 搜索名称或牵头单位。"""
    visible = for_user(Framework.objects.select_related("lead_unit"), request.auth)
    return apply(FrameworkFilter, request.GET, visible).qs.order_by("-created_at", "-pk")


@router.read("/frameworks/{int:framework_id}", FrameworkOut, "框架方案详情")
def framework_detail(request, framework_id: int):
    """一个框架方案及其参与单位分工和配合区县。"""
    return get_visible_or_404(
        Framework.objects.select_related("lead_unit"), request.auth, pk=framework_id
    )


@router.act("/frameworks/{int:framework_id}/participants", FrameworkOut, "登记参与单位分工")
def framework_participant(request, framework_id: int, payload: FrameworkParticipantIn):
    """登记或更新参与单位的业务流、数据流、接口和承担的建设内容（建设内容不得重复）。"""
    return framework_out(perform(request, actions.set_framework_participant, framework_id, payload))


@router.act("/frameworks/{int:framework_id}/districts", FrameworkOut, "登记配合区县")
def framework_district(request, framework_id: int, payload: FrameworkDistrictIn):
    """登记需要配合的区县及其配套项目（第十三条）。"""
    return framework_out(perform(request, actions.add_framework_district, framework_id, payload))


@router.act("/frameworks/{int:framework_id}/submit", FrameworkOut, "框架方案报审")
def framework_submit(request, framework_id: int):
    """牵头单位将框架方案报市大数据发展局审核；内容不全时返回 409（第十三条）。"""
    return framework_out(perform(request, actions.submit_framework, framework_id))


@router.act("/frameworks/{int:framework_id}/review", FrameworkOut, "框架方案审核意见")
def framework_review(request, framework_id: int, payload: FrameworkReviewIn):
    """市大数据发展局出具审核意见（同意或退回）；各参与单位申报项目时须有该意见。"""
    return framework_out(perform(request, actions.review_framework, framework_id, payload))


# -- classified stubs (Art. 8 ¶3) --------------------------------------------------------------


@router.create("/classified-stubs", ClassifiedStubOut, "登记涉密项目存根")
def stub_create(request, payload: ClassifiedStubIn):
    """市发展改革委授权经办人登记线下办理的涉密项目的非涉密存根（编号、建设单位、年度、
    金额），以保证规划和预算合计完整（第八条）。不登记任何其他内容。"""
    stub = perform(request, actions.record_classified_stub, None, payload)
    return Status(201, ClassifiedStub.objects.select_related("unit").get(pk=stub.pk))


@router.list("/classified-stubs", ClassifiedStubOut, "涉密项目存根列表")
def stub_list(request, filters: Query[StubFilter.schema()]):  # type: ignore[valid-type]
    """涉密项目存根（市发展改革委、市财政局、市大数据发展局、审计人员和系统管理员可见）。"""
    visible = for_user(ClassifiedStub.objects.select_related("unit"), request.auth)
    return apply(StubFilter, request.GET, visible).qs.order_by("-year", "code")


# -- the 渝快办 online channel (Art. 8) --------------------------------------------------------

YUKUAIBAN_DESCRIPTION = """接收渝快办线上渠道推送的非涉密项目需求（第八条），建立项目草稿，来源渠道记为“渝快办”。

**认证**：仅接受接口令牌 `Authorization: Bearer gvt_…`，不接受登录会话。令牌签发给建设单位的
填报人（按单位配置对接），只能为该单位推送需求；其他单位返回 404。

**幂等**：`external_ref`（渝快办需求编号）是幂等键。首次推送建立项目并返回 **201**；同一编号
再次推送不会新建项目，返回 **200** 及首次建立的同一项目（`id` 相同，请求中的其他字段不再
生效）。该编号已被其他单位使用时返回 409。

**建设单位**：`unit_id` 或统一社会信用代码 `credit_code` 二选一。

**金额**：`total_investment_wan` 以万元计，须以字符串（如 `"812.5"`）或整数传入；带小数的
JSON 数字（如 `812.5`）返回 **422**，以免金额经过浮点运算。

**涉密项目**：`is_classified: true` 返回 **409**，`findings` 中为第八条（R8.3）的阻断原因：
涉密项目不在平台办理，请按保密规定线下报送。

字段有误返回 422，`errors` 按字段给出中文提示。"""


@router.post(
    "/intake/yukuaiban",
    summary="渝快办项目需求接入",
    description=YUKUAIBAN_DESCRIPTION,
    auth=ApiTokenAuth(),
    tags=["渝快办接入"],
    response={201: ProjectOut, 200: ProjectOut, **ACT_ERRORS},
)
def intake_yukuaiban(request, payload: ProjectIntakeIn):
    def receive():
        act = actions.receive_external_requirement
        return perform(request, act, None, payload)

    try:
        project, created = receive()
    except IntegrityError:
        # Two deliveries of the same reference at once (PostgreSQL): the loser's insert hits
        # the unique external_ref; asking again returns the winner's project.
        project, created = receive()
    return Status(201 if created else 200, project_out(project))
