"""Fill English msgstr in locale/en/LC_MESSAGES/django.po from the table below.

Workflow: `make messages` (makemessages + this script + compilemessages). Chinese is the source
language; English covers the main pages. Untranslated strings fall back to Chinese.
"""

import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"

EN = {
    # sign-in
    "登录名或密码错误。连续多次错误将锁定账号。": "Wrong login name or password. Repeated failures lock the account.",
    "该账号已停用，请联系系统管理员。": "This account is deactivated; please contact the administrator.",
    "登录名": "Login name",
    "密码": "Password",
    "账号因连续登录失败已被临时锁定，请稍后再试或联系系统管理员解锁。": "The account is temporarily locked after repeated failed sign-ins. Try again later or ask the administrator to unlock it.",
    "登录": "Sign in",
    "重庆市市级政务信息化项目管理平台": "Chongqing Municipal E-Government IT Project Platform",
    "市级政务信息化项目管理平台": "E-Government IT Project Platform",
    "规划 · 清单 · 审批 · 投资 · 建设 · 验收 · 运维": "Planning · List · Approval · Investment · Construction · Acceptance · O&M",
    # base
    "展开导航": "Toggle navigation",
    "退出登录": "Sign out",
    "当前位置": "Breadcrumb",
    "关闭": "Close",
    "通知": "Notifications",
    "依据《重庆市市级政务信息化项目管理办法》（渝府办发〔2021〕122号）": "Under the Chongqing Municipal E-Government IT Project Measures (Yu Fu Ban Fa [2021] No. 122)",
    "暂无数据": "No data",
    "怎么办：": "What to do: ",
    "分页": "Pagination",
    "共 %(total)s 条，第 %(num)s/%(pages)s 页": "%(total)s items, page %(num)s of %(pages)s",
    "上一页": "Previous",
    "下一页": "Next",
    "共 %(total)s 条": "%(total)s items",
    "搜索": "Search",
    "查询": "Search",
    # workbench
    "工作台": "Workbench",
    "您好，%(name)s": "Hello, %(name)s",
    "我的待办": "My to-dos",
    "截止": "Due",
    "暂无待办事项": "Nothing to do",
    "需要您处理的事项会出现在这里。": "Items that need your action will appear here.",
    "最近动态": "Recent activity",
    "我的身份": "My roles",
    "尚未分配角色，请联系系统管理员。": "No role assigned yet; please contact the administrator.",
    "全部": "All",
    "暂无通知": "No notifications",
    "全部标为已读": "Mark all as read",
    "标为已读": "Mark as read",
    "标题": "Title",
    "内容": "Content",
    "系统": "System",
    # ledger
    "审计日志": "Audit ledger",
    "审计事件": "Audit event",
    "只追加、SM3 哈希链保护": "append-only, protected by an SM3 hash chain",
    "对象、操作人、理由": "Object, actor, reason",
    "全部事件": "All events",
    "序号": "No.",
    "时间": "Time",
    "操作人": "Actor",
    "事件": "Event",
    "对象": "Object",
    "所属组织": "Organisation",
    "状态变化": "State change",
    "理由": "Reason",
    "政策版本": "Policy versions",
    "规则决定": "Rule decisions",
    "附加信息": "Details",
    "前一哈希": "Previous hash",
    "SM3 哈希": "SM3 hash",
    "暂无审计事件": "No audit events",
    # rules and decisions
    "规则与条款": "Rules and articles",
    "平台作出的每一项判断都由下列规则给出，每条规则注明其依据的条款；规则中的数值取自当时生效的政策版本。": "Every judgement the platform makes comes from one of these rules; each cites its article, and its numbers come from the policy version in force.",
    "规则编号": "Rule id",
    "条款": "Article",
    "规则": "Rule",
    "级别": "Severity",
    "所在关口": "Gates",
    "需求覆盖（%(n)s/%(total)s 项已有规则）": "Requirement coverage (%(n)s of %(total)s have rules)",
    "需求编号": "Requirement",
    "要求": "Requirement text",
    "已实现": "Implemented",
    "待实现": "Pending",
    "决定编号": "Decision id",
    "关口": "Gate",
    "输入事实": "Input facts",
    "结果": "Outcome",
    "发现与依据": "Findings and articles",
    "所有规则均已满足。": "All rules are satisfied.",
    "评估规则": "Rules evaluated",
    "对象或关口": "Object or gate",
    "全部结果": "All outcomes",
    "暂无规则决定": "No decisions yet",
    "阻断": "Blocking",
    "提醒": "Warning",
    "提示": "Info",
    "通过": "Passed",
    "通过（有提醒）": "Passed with warnings",
    "参数": "Parameter",
    "取值": "Value",
    "单位": "Unit",
    "依据": "Basis",
    "说明": "Note",
    "生效": "effective",
    "市级": "municipal",
    # approval path
    "审批路径测算": "Approval path estimate",
    "依据第九条及所在地生效的政策版本，测算项目应一次审批还是两阶段审批。测算结果会作为规则决定留存。": "Under Article 9 and the policy in force for the unit, estimate whether a project is approved in one stage or two. The result is kept as a rule decision.",
    "测算": "Estimate",
    "建设单位": "Unit",
    "请选择建设单位。": "Please choose a unit.",
    "请选择有效的建设单位。": "Please choose a valid unit.",
    "总投资（万元）": "Total investment (10k yuan)",
    "请填写总投资。": "Please enter the total investment.",
    "请填写数字，如 3500 或 800.50。": "Please enter a number, e.g. 3500 or 800.50.",
    "总投资不能为负数。": "The total investment cannot be negative.",
    # organisations and roles
    "项目建设单位": "Project unit",
    "主管部门": "Authority",
    "第三方咨询评估机构": "Third-party consultant",
    "工程监理单位": "Engineering supervisor",
    "区县": "District",
    "平台运营": "Platform operator",
    "市大数据发展局": "Big Data Development Bureau",
    "市发展改革委": "Development and Reform Commission",
    "市财政局": "Finance Bureau",
    "市委网信办": "Cyberspace Affairs Office",
    "市公安局": "Public Security Bureau",
    "市密码管理局": "Cryptography Administration",
    "市国家保密局": "State Secrets Bureau",
    "市审计局": "Audit Bureau",
    "市政府": "Municipal Government",
    "填报人": "Unit officer",
    "单位负责人": "Unit head",
    "大数据局审核人": "BDB reviewer",
    "发展改革委经办人": "DRC officer",
    "财政局经办人": "Finance officer",
    "网信办审查人": "CAC reviewer",
    "公安局审查人": "Police reviewer",
    "密码局审查人": "Crypto reviewer",
    "保密局审查人": "Secrecy reviewer",
    "市政府审批人": "Government approver",
    "审计人员": "Auditor",
    "评估专家": "Consultant",
    "监理工程师": "Supervisor",
    "系统管理员": "Platform admin",
    "组织管理": "Organisations",
    "用户管理": "Users",
    "组织": "Organisation",
    "用户": "User",
    "角色": "Role",
    "名称": "Name",
    "简称": "Short name",
    "类型": "Kind",
    "状态": "Status",
    "保存": "Save",
    "取消": "Cancel",
    "编辑": "Edit",
    "新建组织": "New organisation",
    "新建用户": "New user",
    "姓名": "Full name",
    "手机": "Mobile",
    "电子邮箱": "Email",
    "启用": "Active",
    "停用": "Deactivated",
    "已停用": "Deactivated",
    "正常": "Active",
    "已锁定": "Locked",
    "锁定": "Locked",
    "最近登录": "Last sign-in",
    "人员": "People",
    "人员与角色": "People and roles",
    "基本信息": "Details",
    "授予角色": "Grant role",
    "撤销": "Revoke",
    "重置密码": "Reset password",
    "解锁账号": "Unlock account",
    "停用账号": "Deactivate account",
    "重新启用": "Reactivate",
    "接口令牌": "API tokens",
    "创建接口令牌": "Create API token",
    "没有符合条件的组织": "No matching organisations",
    "没有符合条件的用户": "No matching users",
    "全部类型": "All kinds",
    "全部状态": "All states",
    "全部角色": "All roles",
    "未分配角色": "No role",
    "必填": "required",
    # ledger actions
    "退出": "Sign-out",
    "登录失败": "Failed sign-in",
    "账号锁定": "Account locked",
    "修改密码": "Password changed",
    "修改组织": "Organisation changed",
    "修改用户": "User changed",
    "停用用户": "User deactivated",
    "启用用户": "User activated",
    "解锁用户": "User unlocked",
    "撤销角色": "Role revoked",
    "吊销接口令牌": "API token revoked",
    "新建政策版本": "Policy version created",
    "规则评估": "Rule evaluation",
}


def fill(text: str) -> tuple[str, int]:
    count = 0

    def replace(match):
        nonlocal count
        msgid = "".join(re.findall(r'"(.*)"', match.group(2)))
        if msgid in EN and not match.group(3).strip('"\n'):
            count += 1
            return f'{match.group(1)}msgid {match.group(2)}msgstr "{EN[msgid]}"\n'
        return match.group(0)

    pattern = re.compile(r'((?:#[^\n]*\n)*)msgid ((?:"[^\n]*"\n)+)msgstr ("[^\n]*"\n)(?!")')
    return pattern.sub(replace, text), count


if __name__ == "__main__":
    text, count = fill(PO.read_text(encoding="utf-8"))
    # makemessages marks a new header fuzzy and leaves Language empty; a fuzzy header is ignored.
    text = text.replace('#, fuzzy\nmsgid ""', 'msgid ""', 1).replace(
        '"Language: \\n"', '"Language: en\\n"', 1
    )
    PO.write_text(text, encoding="utf-8")
    print(f"filled {count} English strings", file=sys.stderr)
