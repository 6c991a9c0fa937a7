"""Issue 18 pt 12: the text of the measures is in the platform, article by article, and every
citation on a step links to the article it names."""

import re

import pytest
from django.utils import translation

from policy.measures import articles, chapters
from policy.templatetags.citations import cite_links


def test_the_measures_read_into_five_chapters_and_forty_articles():
    assert [c.heading for c in chapters()] == [
        "第一章 总则",
        "第二章 规划和审批管理",
        "第三章 建设和资金管理",
        "第四章 监督管理",
        "第五章 附则",
    ]
    assert sorted(articles()) == list(range(1, 41))
    assert articles()[31].paragraphs[0].startswith("市级政务信息化项目建设、运行维护应当坚持")
    assert "联网通办是原则" in articles()[31].summary
    assert not any(
        re.fullmatch(r"-\s*\d+\s*-", p) for a in articles().values() for p in a.paragraphs
    )


@pytest.mark.django_db
def test_the_measures_page_is_open_to_anyone_with_an_anchor_per_article(client):
    html = client.get("/policy/measures/").content.decode()
    assert html.count('data-testid="article"') == 40
    assert 'id="art-31"' in html and "孤网是例外" in html
    assert 'id="art-40"' in html and "本办法自印发之日起施行" in html


def test_each_cited_article_links_to_its_text_and_the_rest_is_escaped():
    html = str(cite_links("第八条、第三十一条 <script>"))
    links = re.findall(r'<a href="/policy/measures/#(art-\d+)" title="([^"]+)"', html)
    assert [anchor for anchor, _title in links] == ["art-8", "art-31"]
    assert links[1][1].startswith("市级政务信息化项目建设、运行维护")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert str(cite_links("第九十九条")) == "第九十九条"  # no such article: text, not a link


def test_citations_link_in_english_too():
    with translation.override("en"):
        html = str(cite_links("第八条、第九条"))
    assert ">Article 8</a>, <a" in html and "#art-9" in html


def test_a_step_on_the_project_page_links_its_articles(walker, personas, client):
    project = walker.submit(walker.create("学生资助精准认定系统", "800"))
    client.force_login(personas.bdb)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    card = html.split('data-testid="next-steps"')[1]
    assert 'data-testid="offer-articles"' in card
    assert re.search(
        r'<a href="/policy/measures/#art-8" title="[^"]+" data-testid="article-link">第八条</a>',
        card,
    )
