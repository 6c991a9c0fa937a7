"""The Art. 26 decision without reads (``decide_change``) and the gate's facts built from it
(``classification_facts``): the same values a JSON round trip with Django's encoder gave, for
every outcome and at the limit to the fen (bench/bench_changes.py times them)."""

import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from investment.models import ChangeClass
from investment.services import classification_facts, decide_change, diff_facts

D = Decimal
BASE = {
    "approved_total": D("8000000.00"),
    "new_total": D("8000000.00"),
    "moved": D("1200000.00"),
    "earlier": D("0.00"),
    "circumstance": "optimise",
    "goals_changed": False,
    "raises_year_budget": False,
    "changes_plan": False,
}


def round_trip(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def failed(result) -> set[str]:
    return {c["key"] for c in result["conditions"] if not c["passed"]}


@pytest.mark.parametrize(
    ("change", "klass", "failing"),
    [
        ({}, ChangeClass.FILING, set()),  # exactly 15 %
        ({"moved": D("1200000.01")}, ChangeClass.APPROVAL, {"ratio"}),  # one fen over
        ({"moved": D("600000.00"), "earlier": D("600000.01")}, ChangeClass.APPROVAL, {"ratio"}),
        ({"new_total": D("8000000.01")}, ChangeClass.APPROVAL, {"total"}),
        ({"goals_changed": True}, ChangeClass.APPROVAL, {"goals"}),
        ({"circumstance": ""}, ChangeClass.APPROVAL, {"circumstance"}),
        ({"raises_year_budget": True}, ChangeClass.FILING, set()),
        ({"new_total": D("9000000.00"), "changes_plan": True}, ChangeClass.ART11, {"total"}),
        (
            {"goals_changed": True, "circumstance": "", "raises_year_budget": True},
            ChangeClass.ART11,
            {"goals", "circumstance"},
        ),
    ],
)
def test_decision_and_its_facts(change, klass, failing):
    result = decide_change(**{**BASE, **change}, ratio=D("0.15"))
    assert result["classification"] == klass and failed(result) == failing
    assert all(c["article"] == "第二十六条" for c in result["conditions"])
    facts = classification_facts(result)
    assert facts == round_trip(result)
    assert json.dumps(facts, ensure_ascii=False) == json.dumps(
        round_trip(result), ensure_ascii=False
    )


def test_ratio_label_and_limit_follow_the_policy_value():
    result = decide_change(**{**BASE, "moved": D("800000.00")}, ratio=D("0.10"))
    ratio = next(c for c in result["conditions"] if c["key"] == "ratio")
    assert ratio["label"] == "累计调整金额不超过批复总投资的 10%"
    assert ratio["facts"]["limit_wan"] == "80.00" and ratio["facts"]["ratio"] == "0.10"
    assert ratio["passed"] and result["limit"] == D("800000.00")
    again = decide_change(**BASE, ratio=D("0.15"))  # the cached label is per value
    assert "15%" in next(c for c in again["conditions"] if c["key"] == "ratio")["label"]


def test_diff_facts_are_the_round_trip():
    diff = [
        {
            "name": "软件开发",
            "before": D("6000000.00"),
            "after": D("7200000"),
            "delta": D("1200000.00"),
        }
    ]
    assert diff_facts(diff) == round_trip(diff)
    result = {**decide_change(**BASE, ratio=D("0.15")), "diff": diff}
    assert classification_facts(result) == round_trip(result)
    assert list(classification_facts(result)) == list(round_trip(result))
