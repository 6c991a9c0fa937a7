"""Rule registry and its system checks (issue 2 point 6)."""

from core.enums import Severity
from policy.checks import check_rule_registry
from policy.registry import Registry, registry, violation


def _ids(errors):
    return sorted(e.id for e in errors)


def test_the_real_registry_passes_its_checks():
    assert check_rule_registry() == []
    assert "R9.1" in registry.rules and registry.rules["R9.1"].article == "第九条"


def test_rule_without_article_fails_the_check():
    reg = Registry()

    @reg.rule(id="R9.1", article="", title="无条款")
    def bad(ctx):
        return []

    assert "govit.E001" in _ids(check_rule_registry(reg=reg))


def test_article_must_be_written_as_di_n_tiao():
    reg = Registry()
    reg.rule(id="R9.1", article="Art. 9", title="t")(lambda ctx: [])
    assert "govit.E001" in _ids(check_rule_registry(reg=reg))


def test_duplicate_rule_id_fails_the_check():
    reg = Registry()
    reg.rule(id="R9.1", article="第九条", title="一")(lambda ctx: [])
    reg.rule(id="R9.1", article="第九条", title="二")(lambda ctx: [])
    errors = check_rule_registry(reg=reg)
    assert "govit.E002" in _ids(errors)
    assert any("R9.1" in e.msg for e in errors)


def test_unknown_requirement_id_fails_the_check():
    reg = Registry()
    reg.rule(id="R99.1", article="第九条", title="t")(lambda ctx: [])
    assert "govit.E003" in _ids(check_rule_registry(reg=reg))


def test_article_must_match_the_requirement():
    reg = Registry()
    reg.rule(id="R26.1", article="第九条", title="t")(lambda ctx: [])
    assert "govit.E004" in _ids(check_rule_registry(reg=reg))


def test_gate_naming_unknown_rule_fails_the_check():
    reg = Registry()
    reg.gate("x.y", title="t", rules=["R9.1"])
    assert "govit.E006" in _ids(check_rule_registry(reg=reg))


def test_rule_yields_findings_stamped_with_its_metadata():
    reg = Registry()

    @reg.rule(id="R26.1", article="第二十六条", title="变更", severity=Severity.BLOCK)
    def change(ctx):
        yield violation("调整超过 15%", remedy="报审批", facts={"ratio": "0.16"})
        yield violation("仅提示", severity=Severity.INFO)

    findings = reg.rules["R26.1"].evaluate(ctx=None)
    assert [f.severity for f in findings] == ["block", "info"]
    assert findings[0].rule_id == "R26.1" and findings[0].article == "第二十六条"
    assert findings[0].facts == {"ratio": "0.16"} and findings[0].blocks


def test_manage_py_check_reports_registry_errors(monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    import policy.checks as checks_module

    bad = Registry()
    bad.rule(id="R9.1", article="", title="无条款")(lambda ctx: [])
    monkeypatch.setattr(checks_module, "registry", bad)
    try:
        call_command("check")
    except SystemCheckError as exc:
        assert "govit.E001" in str(exc)
    else:  # pragma: no cover - the assertion below documents the failure
        raise AssertionError("manage.py check should fail on a rule without an article")
