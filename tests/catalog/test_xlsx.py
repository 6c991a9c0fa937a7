"""Master catalog and data resource catalog xlsx import/export (issue 6, points 1-2)."""

import datetime as dt
import io

from openpyxl import Workbook, load_workbook

from catalog import xlsx
from catalog.models import DataResource, InformationSystem
from core.models import LedgerEvent
from tests import xlsx_check


def _book(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


SYSTEM_HEADER = [h for h, _f, _c in xlsx.SYSTEM_COLUMNS]


def _system_row(code, **over):
    row = dict(zip(SYSTEM_HEADER, [""] * len(SYSTEM_HEADER), strict=True))
    row.update(
        {
            "系统编码": code,
            "系统名称": f"系统{code}",
            "所属单位": "市教委",
            "系统类别": "业务信息系统",
        }
    )
    row.update(over)
    return [row[h] for h in SYSTEM_HEADER]


def test_import_keeps_good_rows_rejects_bad_cells_and_is_idempotent(personas):
    file = _book(
        [
            SYSTEM_HEADER,
            _system_row("JW-001"),
            _system_row("JW-002", 系统类别="不存在的类别"),
            _system_row("JW-003", 所属单位="市卫生健康委"),
            _system_row("JW-004", 部署方式="其他"),
            _system_row("JW-005", 等保级别="9"),
        ]
    )
    result = xlsx.import_systems(file, acting_user=personas.jw_officer)
    assert result.created == 1
    by_row = {(e["row"], e["column"]) for e in result.errors}
    assert (3, "系统类别") in by_row
    assert (4, "所属单位") in by_row
    assert (5, "未部署在数字重庆云的理由") in by_row
    assert (6, "等保级别") in by_row
    assert InformationSystem.objects.filter(code="JW-001").exists()
    exported = xlsx.export_systems(InformationSystem.objects.all())
    events = LedgerEvent.objects.count()
    again = xlsx.import_systems(io.BytesIO(exported), acting_user=personas.jw_officer)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 1, [])
    assert LedgerEvent.objects.count() == events + 1  # the import itself, nothing changed


def test_resource_import_validates_share_rules_and_round_trips(personas):
    header = [h for h, _f, _c in xlsx.RESOURCE_COLUMNS]

    def row(code, **over):
        data = dict(zip(header, [""] * len(header), strict=True))
        data.update(
            {
                "资源代码": f"A01/{code}",
                "分类代码": "A01",
                "资源属性": "部门信息资源",
                "资源名称": f"学籍信息{code}",
                "资源提供方": "市教委",
                "资源摘要": "学生学籍",
                "资源格式": "数据库",
                "信息项": "姓名:字符:50；出生日期:日期",
                "共享类型": "无条件共享",
                "共享方式": "共享平台方式（接口）",
                "开放类型": "不予开放",
                "更新周期": "每日",
            }
        )
        data.update(over)
        return [data[h] for h in header]

    file = _book(
        [
            header,
            row("000001"),
            row("000002", 共享类型="有条件共享"),
            row("X", 信息项="姓名:未知类型"),
        ]
    )
    result = xlsx.import_resources(file, acting_user=personas.jw_officer)
    assert result.created == 1
    messages = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert "共享条件" in messages[(3, "共享条件")]
    assert (4, "资源代码") in messages and (4, "信息项") in messages
    res = DataResource.objects.get(resource_code="A01/000001")
    assert [i.key for i in res.items.all()] == ["姓名|char", "出生日期|date"]
    exported = xlsx.export_resources(DataResource.objects.all())
    again = xlsx.import_resources(io.BytesIO(exported), acting_user=personas.jw_officer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    ws = load_workbook(io.BytesIO(exported)).active
    assert ws.freeze_panes == "A2" and ws["A1"].value == "资源代码"
    # the provider's unified social credit code goes out with it (not imported)
    type(res.provider).objects.filter(pk=res.provider_id).update(credit_code="11500000MB0000001X")
    ws = load_workbook(io.BytesIO(xlsx.export_resources(DataResource.objects.all()))).active
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("提供方统一社会信用代码") + 1).value == "11500000MB0000001X"


RESOURCE_HEADER = [h for h, _f, _c in xlsx.RESOURCE_COLUMNS]


def _resource_row(code, provider, items, systems="", **over):
    data = dict(zip(RESOURCE_HEADER, [""] * len(RESOURCE_HEADER), strict=True))
    data.update(
        {
            "资源代码": f"A01/{code}",
            "分类代码": "A01",
            "资源属性": "基础信息资源",
            "资源名称": f"资源{code}",
            "资源提供方": provider,
            "资源摘要": "摘要",
            "资源格式": "数据库",
            "信息项": items,
            "共享类型": "无条件共享",
            "共享方式": "共享平台方式（接口）",
            "开放类型": "不予开放",
            "更新周期": "每日",
            "提供系统编码": systems,
        }
    )
    data.update(over)
    return [data[h] for h in RESOURCE_HEADER]


def test_R31_2_imported_items_are_normalised_for_duplicate_collection(personas):
    # given systems of 市卫生健康委 and 市教委 imported from xlsx
    from catalog import actions
    from catalog.demo import register

    register(personas.wj_officer, "WJ-1", "全民健康信息平台", curate_by=personas.bdb)
    register(personas.jw_officer, "JW-1", "学生资助管理系统", curate_by=personas.bdb)
    # when 市卫生健康委's authoritative 人口 resource is imported and 市教委 imports a resource
    # whose item is written "身份证　号" (full-width space) and "ＩＤ" in full-width letters
    population = [
        RESOURCE_HEADER,
        _resource_row(
            "000001", "市卫生健康委", "身份证号:字符:18；ID:字符", "WJ-1", 权威数据源="是"
        ),
    ]
    # (only BDB names an authoritative source: the unit's own import is refused at that cell)
    refused = xlsx.import_resources(_book(population), acting_user=personas.wj_officer)
    assert refused.created == 0
    assert [(e["row"], e["column"]) for e in refused.errors] == [(2, "权威数据源")]
    assert "市大数据发展局" in refused.errors[0]["message"]
    wj = xlsx.import_resources(_book(population), acting_user=personas.bdb)
    jw = xlsx.import_resources(
        _book(
            [
                RESOURCE_HEADER,
                _resource_row("000002", "市教委", "身份证\u3000号:字符:18；ＩＤ:字符", "JW-1"),
            ]
        ),
        acting_user=personas.jw_officer,
    )
    assert (wj.created, jw.created, wj.errors, jw.errors) == (1, 1, [], [])
    keys = list(
        DataResource.objects.get(resource_code="A01/000002").items.values_list("key", flat=True)
    )
    assert keys == ["身份证号|char", "id|char"]
    # each item is held by the resource's only providing system, and is exported with it
    copy = DataResource.objects.get(resource_code="A01/000002")
    assert {i.system.code for i in copy.items.all()} == {"JW-1"}
    ws = load_workbook(io.BytesIO(xlsx.export_resources(DataResource.objects.all()))).active
    items_col = [c.value for c in ws[1]].index("信息项") + 1
    assert ws.cell(3, items_col).value == "身份证\u3000号:字符:18:JW-1；ＩＤ:字符::JW-1"
    # then 市教委's system is refused for duplicate collection, naming both items
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    from catalog.models import OMDecision

    by = {d.system.code: d for d in OMDecision.objects.filter(run__code=result["run"])}
    assert by["WJ-1"].eligible and not by["JW-1"].eligible
    (reason,) = by["JW-1"].reasons
    assert reason["rule_id"] == "R31.2"
    assert {d["item"] for d in reason["facts"]["duplicates"]} == {"身份证\u3000号", "ＩＤ"}


def test_R15_1_resource_import_rejects_systems_of_another_unit(personas):
    from catalog.demo import register

    register(personas.wj_officer, "WJ-1", "全民健康信息平台")
    result = xlsx.import_resources(
        _book([RESOURCE_HEADER, _resource_row("000003", "市教委", "学籍号:字符", "WJ-1")]),
        acting_user=personas.jw_officer,
    )
    assert result.created == 0
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "提供系统编码")]


def test_R15_1_system_import_updates_only_what_changed(personas):
    file = _book([SYSTEM_HEADER, _system_row("JW-010")])
    assert xlsx.import_systems(file, acting_user=personas.jw_officer).created == 1
    changed = _book([SYSTEM_HEADER, _system_row("JW-010", 系统名称="新名称", 等保级别="3")])
    result = xlsx.import_systems(changed, acting_user=personas.jw_officer)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    system = InformationSystem.objects.get(code="JW-010")
    assert (system.name, system.mlps_level) == ("新名称", 3)


def test_R15_1_exported_entry_reimports_unchanged_with_every_field(personas):
    from catalog import actions
    from catalog.demo import register

    system = register(personas.jw_officer, "JW-020", "旧版学籍系统", curate_by=personas.bdb)
    actions.update_system(
        system,
        acting_user=personas.jw_officer,
        detached_from_business=True,
        replaceable_by="教育管理公共服务平台",
        network="isolated",
        isolation_reason="涉密数据，依《保守国家秘密法》不得联网共享",
    )
    actions.review_isolation(system, acting_user=personas.bdb)
    exported = xlsx.export_systems(InformationSystem.objects.filter(code="JW-020"))
    header = [c.value for c in load_workbook(io.BytesIO(exported)).active[1]]
    assert {
        "与业务脱节",
        "可被替代的系统",
        "不能共享的法律法规依据",
        "孤网大数据局初审日期",
        "建设或改造项目",
    } <= set(header)
    again = xlsx.import_systems(io.BytesIO(exported), acting_user=personas.jw_officer)
    assert (again.updated, again.unchanged, again.errors) == (0, 1, [])
    system.refresh_from_db()
    assert system.detached_from_business and system.replaceable_by == "教育管理公共服务平台"
    assert system.isolation_reason.startswith("涉密数据")
    assert system.isolation_bdb_reviewed_on is not None


def test_R15_1_import_changes_only_the_columns_the_file_has(personas):
    from catalog import actions
    from catalog.demo import register

    system = register(personas.jw_officer, "JW-021", "学生资助管理系统")
    actions.update_system(system, acting_user=personas.jw_officer, replaceable_by="某平台")
    older = ["系统编码", "系统名称", "所属单位", "系统类别"]  # a template without the new columns
    result = xlsx.import_systems(
        _book([older, ["JW-021", "学生资助管理系统（新）", "市教委", "业务信息系统"]]),
        acting_user=personas.jw_officer,
    )
    assert (result.updated, result.errors) == (1, [])
    system.refresh_from_db()
    assert system.name == "学生资助管理系统（新）" and system.replaceable_by == "某平台"


def test_R31_1_import_to_isolated_network_needs_the_approvals_anew(personas):
    from catalog import actions
    from catalog.demo import register

    system = register(personas.jw_officer, "JW-022", "考试命题系统", curate_by=personas.bdb)
    actions.update_system(
        system, acting_user=personas.jw_officer, network="isolated", isolation_reason="涉密"
    )
    actions.review_isolation(system, acting_user=personas.bdb)
    actions.review_isolation(system, acting_user=personas.gov)
    header = ["系统编码", "系统名称", "所属单位", "系统类别", "部署网络"]

    def network(label):
        row = ["JW-022", "考试命题系统", "市教委", "业务信息系统", label]
        return xlsx.import_systems(_book([header, row]), acting_user=personas.jw_officer)

    assert network("政务外网").updated == 1
    assert network("孤网").updated == 1
    system.refresh_from_db()
    assert system.isolation_bdb_reviewed_on is None and system.isolation_gov_approved_on is None


def test_R33_1_import_cannot_lift_the_integration_mark(personas):
    from catalog.demo import register

    register(personas.jw_officer, "JW-023", "旧版系统", integration_status="pending")
    header = ["系统编码", "系统名称", "所属单位", "系统类别", "整合状态"]
    row = ["JW-023", "旧版系统", "市教委", "业务信息系统", "已整合"]
    refused = xlsx.import_systems(_book([header, row]), acting_user=personas.jw_officer)
    assert [(e["row"], e["column"]) for e in refused.errors] == [(2, "整合状态")]
    assert InformationSystem.objects.get(code="JW-023").integration_status == "pending"
    done = xlsx.import_systems(_book([header, row]), acting_user=personas.bdb)
    assert done.updated == 1


# -- the exports read back as a spreadsheet program reads them (core.xlsx) ---------------------


def test_system_export_is_a_named_sheet_with_date_and_number_cells(personas):
    from catalog import actions
    from catalog.demo import register

    system = register(
        personas.jw_officer,
        "JW-030",
        "考试命题系统",
        curate_by=personas.bdb,
        mlps_level=3,
        mlps_evaluated_on="2025-06-01",
        mlps_result="pass",
    )
    actions.update_system(
        system, acting_user=personas.jw_officer, network="isolated", isolation_reason="涉密"
    )
    actions.review_isolation(system, acting_user=personas.bdb)
    exported = xlsx.export_systems(InformationSystem.objects.filter(code="JW-030"))
    wb = xlsx_check.read(exported)
    assert wb.sheetnames == ["政务信息系统总目录"]
    ws = wb["政务信息系统总目录"]
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}2"
    assert [d.date() for d in xlsx_check.check_dates(ws, "最近等保测评日期")] == [
        dt.date(2025, 6, 1)
    ]
    assert len(xlsx_check.check_dates(ws, "孤网大数据局初审日期")) == 1
    assert ws.cell(2, xlsx_check.column(ws, "等保级别")).value == 3
    # the file is still the import template: read back, nothing changes
    again = xlsx.import_systems(io.BytesIO(exported), acting_user=personas.jw_officer)
    assert (again.updated, again.unchanged, again.errors) == (0, 1, [])


def test_resource_export_is_a_named_sheet_with_date_cells(personas):
    from catalog.demo import register

    register(personas.jw_officer, "JW-031", "学籍管理系统")
    assert "发布日期" in RESOURCE_HEADER
    row = _resource_row("000031", "市教委", "学籍号:字符", "JW-031", 发布日期="2025-03-01")
    file = _book([RESOURCE_HEADER, row])
    assert xlsx.import_resources(file, acting_user=personas.jw_officer).created == 1
    exported = xlsx.export_resources(DataResource.objects.all())
    ws = xlsx_check.read(exported)["数据资源目录"]
    assert [d.date() for d in xlsx_check.check_dates(ws, "发布日期")] == [dt.date(2025, 3, 1)]
    again = xlsx.import_resources(io.BytesIO(exported), acting_user=personas.jw_officer)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 1, [])


def test_text_that_looks_like_a_formula_is_exported_as_text_and_reimports_unchanged(personas):
    from catalog.demo import register

    for n, text in enumerate(xlsx_check.FORMULA_TEXTS):
        register(personas.jw_officer, f"JW-04{n}", text, replaceable_by=f"{text}{n}")
    exported = xlsx.export_systems(InformationSystem.objects.all())
    ws = xlsx_check.read(exported)["政务信息系统总目录"]
    for n, text in enumerate(xlsx_check.FORMULA_TEXTS):
        xlsx_check.check_text(ws, text)
        xlsx_check.check_text(ws, f"{text}{n}")
    again = xlsx.import_systems(io.BytesIO(exported), acting_user=personas.jw_officer)
    assert (again.updated, again.unchanged, again.errors) == (0, 4, [])
