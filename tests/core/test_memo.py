"""Reads shared within one page (core.memo): made once inside a scope, every time outside."""

from core.memo import memo_scope, memoised, remember


def test_a_read_is_made_once_per_scope_and_each_time_outside():
    calls = []

    def read():
        calls.append(1)
        return len(calls)

    assert memoised("k", read) == 1
    assert memoised("k", read) == 2  # no scope: nothing kept
    with memo_scope():
        assert memoised("k", read) == 3
        assert memoised("k", read) == 3
        with memo_scope():  # a nested scope shares its parent's reads
            assert memoised("k", read) == 3
        remember("known", "yes")
        assert memoised("known", read) == "yes"
    assert memoised("k", read) == 4  # the scope's reads end with it
    remember("known", "ignored outside a scope")
    assert memoised("known", read) == 5


def test_choice_labels_follow_the_language():
    """choice_labels translates once per language, and in the language active at the call."""
    from django.utils import translation

    from core.enums import choice_labels
    from projects.models import ProjectState

    assert choice_labels(ProjectState)[ProjectState.DRAFT] == "草稿"
    with translation.override("en"):
        assert choice_labels(ProjectState)[ProjectState.DRAFT] != "草稿"
    assert choice_labels(ProjectState)[ProjectState.DRAFT] == "草稿"
