"""The "您现在可以办理" card, walked over the demo city: every page object in every state, as
every demo role. The card offers exactly the actions whose check passes; what it offers can be
done, and what it shows blocked is refused when forced, with the same citation."""

from collections import defaultdict

import pytest
from django.apps import apps
from django.db import transaction

from core import actions as registry
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.machines import machine_of_model
from core.offers import next_steps
from tests.conftest import demo_city as seed_demo_city

pytestmark = pytest.mark.django_db(transaction=False)


class _Rollback(Exception):
    pass


def _page_models() -> list:
    labels = set()
    for act in registry.registered().values():
        pages = (act.offered_on,) if isinstance(act.offered_on, str) else act.offered_on
        labels.update(p for p in pages if p)
    return [apps.get_model(label) for label in sorted(labels)]


def _one_per_state(model) -> list:
    """One object of ``model`` per state (or a few when it has no machine)."""
    machine = machine_of_model(model._meta.label)
    if machine is None:
        return list(model._default_manager.order_by("pk")[:3])
    seen: dict[str, object] = {}
    for obj in model._default_manager.order_by("pk").iterator():
        seen.setdefault(machine.state_of(obj), obj)
    return list(seen.values())


def _forced(act, target, user):
    """Execute ``act`` on ``target`` with no input and roll it back; the error, if any."""
    try:
        with transaction.atomic():
            act.execute(getattr(target, "pk", None), None, acting_user=user)
            raise _Rollback
    except _Rollback:
        return None
    except (ActionBlocked, ActionInvalid, ActionForbidden) as exc:
        return exc


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory, _key_dir):
    """The demo city, seeded once for both walks (``tests.conftest.demo_city``); each test's
    own transaction rolls back what the forced actions do."""
    yield from seed_demo_city(django_db_blocker, tmp_path_factory, _key_dir)


def test_every_card_offers_exactly_what_its_checks_pass(demo_city):
    walked = defaultdict(int)
    for model in _page_models():
        for obj in _one_per_state(model):
            for user in demo_city.values():
                steps = next_steps(obj, user)
                for offer in steps.offers:
                    act, target = offer.action, offer.target
                    assert act.permitted(target, user) and act.available(target)
                    assert offer.enabled == (not any(f.blocks for f in act.check(target, user)))
                    for finding in offer.blocking:
                        assert finding.article.startswith("第"), (act.name, finding)
                        assert finding.rule_id.startswith("R"), (act.name, finding)
                        assert finding.remedy or finding.message, (act.name, finding)
                    walked[act.name] += 1
                    if act.Input is not None:
                        continue
                    error = _forced(act, target, user)
                    if offer.enabled:
                        assert not isinstance(error, (ActionBlocked, ActionForbidden)), (
                            act.name,
                            target,
                            user.username,
                            getattr(error, "findings", error),
                        )
                    else:
                        assert isinstance(error, ActionBlocked), (act.name, target, user.username)
                        forced = {f.rule_id for f in error.findings}
                        shown = {f.rule_id for f in offer.blocking}
                        assert forced & shown, (act.name, forced, shown)
    assert walked, "the walk offered nothing"


def test_no_page_offers_anything_to_someone_who_cannot_see_it(demo_city):
    """An action is offered only on objects its user may see."""
    for model in _page_models():
        for obj in _one_per_state(model):
            qs = model._default_manager.all()
            for user in demo_city.values():
                if qs.for_user(user).filter(pk=obj.pk).exists():
                    continue
                assert next_steps(obj, user).enabled == [], (model, obj.pk, user.username)
