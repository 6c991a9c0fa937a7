"""Navigation by role: each role sees its own menu, grouped into dropdowns."""

from core.navigation import items_for


def _labels(entries):
    labels = []
    for entry in entries:
        labels.append(str(entry["label"]))
        labels.extend(str(c["label"]) for c in entry.get("children", []))
    return labels


def test_admin_sees_system_management_group(personas):
    entries = items_for(personas.admin)
    group = next(e for e in entries if str(e["label"]) == "系统管理")
    assert [str(c["label"]) for c in group["children"]] == ["组织管理", "用户管理"]


def test_unit_officer_sees_no_admin_or_ledger_entries(personas):
    labels = _labels(items_for(personas.jw_officer))
    assert "工作台" in labels and "审批路径测算" in labels
    assert "用户管理" not in labels and "审计日志" not in labels


def test_auditor_sees_the_ledger(personas):
    assert "审计日志" in _labels(items_for(personas.auditor))


def test_menu_is_rendered_as_dropdowns(personas, login):
    html = login(personas.admin).get("/").content.decode()
    assert (
        'class="nav-item dropdown"' in html
        and "系统管理" in html
        and "/accounts/manage/users/" in html
    )
