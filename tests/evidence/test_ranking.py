"""The ranking's judgement on what is not evidence: the corpus's boilerplate (by kind),
numbers, a bare name sharing one word; the reasons a reviewer reads; the database's index
keeps the counts by kind as it adds and drops documents."""

import pytest

from evidence.search import ranking
from evidence.search.features import build
from evidence.search.ranking import MemoryIndex
from evidence.search.segment import tokens
from evidence.search.store import DbIndex, Entry

#: what every demo project's report says about its data (the same two sentences)
BOILERPLATE = [
    "梳理业务事项 36 项、数据资源 128 类，明确数据来源和治理责任。",
    "共享数据资源 42 类，通过市一体化数据资源平台无条件共享 30 类。",
]
SUBJECTS = ["城市道路桥梁", "河道水质", "森林防火", "农贸市场价格", "公共图书馆借阅", "殡葬服务",
            "气象灾害预警", "人才公寓分配", "文物保护单位", "公交线路客流", "地下管网", "粮食储备",
            "消防栓巡检", "体育场馆预约"]  # fmt: skip


def _corpus() -> MemoryIndex:
    """Fourteen projects saying the boilerplate about unrelated subjects, thirty systems."""
    index = MemoryIndex()
    for number, subject in enumerate(SUBJECTS, start=1):
        index.put("project", number, {"name": subject}, build(name=subject, body=BOILERPLATE))
    for number in range(1, 31):
        name = f"{SUBJECTS[number % len(SUBJECTS)]}档案{number}号库"
        index.put("system", number, {"name": name}, build(name=name))
    return index


def test_boilerplate_of_the_projects_makes_no_match():
    index = _corpus()
    corpus = index.stats()
    assert (corpus.docs, corpus.projects) == (44, 14)
    stats = index.document_frequencies(["治理"])["治理"]
    # in a third of the documents, but in every project: boilerplate of the projects
    assert stats.df == 14 and corpus.boilerplate(stats.df, stats.project_df)
    query = build(name="校园食堂食材溯源", body=BOILERPLATE)
    found = ranking.rank(index, query, limit=5, exclude=[("project", 99)])
    assert not [m for m in found if m.flagged]
    assert all("治理" not in m.terms and "资源" not in m.terms for m in found)


def test_numbers_are_not_terms():
    words = tokens(BOILERPLATE[0])
    assert "36" not in words and "128" not in words and "治理" in words


def _named(name: str):
    """A demo project: its name, and a requirement that only repeats it."""
    return build(name=name, body=[f"{name}：按总体方案建设，支撑业务协同和数据共享。"])


def test_a_bare_name_sharing_one_word_is_not_flagged_and_reasons_are_whole_words():
    index = MemoryIndex()
    names = ["智慧校园安全管理平台", "互联网医院监管平台", "电子证照库", "河长制信息系统",
             "公积金贷款审批系统", "教育收费监管系统", "森林防火预警系统"]  # fmt: skip
    for number, name in enumerate(names, start=1):
        index.put("project", number, {"name": name}, _named(name))

    def campus() -> ranking.Match:
        found = ranking.rank(index, _named("智慧教育综合服务平台"))
        return next(m for m in found if m.meta["name"] == "智慧校园安全管理平台")

    assert campus().terms == ["智慧"] and not campus().flagged
    ranking.OWN_WORDS, saved = 0, ranking.OWN_WORDS
    try:  # without the words of their own, the one shared word would flag it
        assert campus().flagged
    finally:
        ranking.OWN_WORDS = saved
    requirement = build(
        name="互联网医院处方流转监管子系统",
        body=["对互联网医院的在线处方、药品配送进行监管。"],
        functions=["互联网医院处方流转监管"],
    )
    [top, *_rest] = ranking.rank(index, requirement)
    assert top.meta["name"] == "互联网医院监管平台" and top.flagged
    # 互联网医院, not also its pieces 互联网, 医院, 联网
    assert "互联网医院" in top.terms and "医院" not in top.terms and "联网" not in top.terms


@pytest.mark.django_db
def test_database_index_counts_documents_by_kind():
    db = DbIndex()
    db.put_many(
        [
            Entry("project", 1, None, {}, build(name="森林防火", body=BOILERPLATE)),
            Entry("project", 2, None, {}, build(name="河道水质", body=BOILERPLATE)),
            Entry("system", 3, None, {}, build(name="河道水质监测库")),
        ]
    )
    corpus = db.stats()
    assert (corpus.docs, corpus.projects) == (3, 2)
    found = db.document_frequencies(["治理", "河道"])
    assert (found["治理"].df, found["治理"].project_df) == (2, 2)
    assert (found["河道"].df, found["河道"].project_df) == (2, 1)
    db.drop_many([("project", 2)])
    found = db.document_frequencies(["治理", "河道"])
    assert (found["治理"].df, found["治理"].project_df) == (1, 1)
    assert (found["河道"].df, found["河道"].project_df) == (1, 0)
    assert (db.stats().docs, db.stats().projects) == (2, 1)
