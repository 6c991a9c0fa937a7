"""The main pages in English (issue 12, point 8): each role family of the demo city signs in
with English selected and opens the main page of every chapter it can reach (every entry of its
menu, the workbench, the notifications, a project and a detail page followed from each list);
the interface text of each page — titles, headings, table headers, labels, buttons, the menu,
placeholders, accessible names and the choices of filter selects — holds no Chinese. Data
(names of units, projects and people, free text, table cells) is not interface text."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from core.navigation import items_for
from tests.conftest import demo_city

# one demo account per role family (README's table of demo accounts)
FAMILIES = {
    "unit officer": "jw_tianbao",
    "unit head": "jw_fuze",
    "BDB reviewer": "dsj_shenhe",
    "DRC officer": "fgw_jingban",
    "Finance officer": "czj_jingban",
    "joint reviewer": "wxb_shencha",
    "government approver": "szf_shenpi",
    "auditor": "sjj_shenji",
    "consultant": "zx_pinggu",
    "supervisor": "jl_gongchengshi",
    "platform admin": "admin",
}

# CJK ideographs, CJK punctuation (、。「」【】〔〕…) and full-width forms (，：（）)
CJK = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")

HEADINGS = {"title", "h1", "h2", "h3", "h4", "h5", "h6", "th", "label", "legend", "dt", "button"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
# a foreign key's option value is a primary key (a number or a UUID): its text is data
KEY_VALUE = re.compile(r"^\d+$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class _Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Tree(HTMLParser):
    """A forgiving DOM: an end tag closes the nearest open element of its name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, attrs, self.stack[-1]))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _is_data(node: _Node) -> bool:
    """Parts of the interface that show data, excluded precisely (see each reason)."""
    attrs, classes = node.attrs, node.classes()
    return (
        # table cells and description values are data by definition
        node.tag in {"td", "dd"}
        # the user menu names the signed-in person and their organisation
        or attrs.get("data-testid") == "user-menu"
        # the language switch names each language in itself (简体中文), as switches should
        or (node.tag == "button" and attrs.get("name") == "language")
        # the emblem is the city's one-character mark 渝, a logo rather than text
        or "govit-emblem" in classes
        # what a template marks as not to be translated: a name, a code or a number shown
        # inside a heading (HTML's own translate="no", which machine translators honour too)
        or attrs.get("translate") == "no"
    )


def _text(node: _Node) -> str:
    """The text of ``node`` without the parts that are data."""
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif not _is_data(child):
            parts.append(_text(child))
    return " ".join(" ".join(parts).split())


def _data_words(root: _Node) -> set[str]:
    """Every whitespace-separated word the page shows as data (see ``_is_data``)."""
    words = set()
    for node in _walk(root):
        if _is_data(node):
            words.update(" ".join(_all_text(node)).split())
    return words


def _all_text(node: _Node):
    for child in node.children:
        if isinstance(child, str):
            yield child
        else:
            yield from _all_text(child)


def _walk(node: _Node):
    for child in node.children:
        if isinstance(child, _Node):
            yield child
            yield from _walk(child)


def _in_filter_form(node: _Node) -> bool:
    form = next((a for a in node.ancestors() if a.tag == "form"), None)
    return form is not None and (form.attrs.get("method") or "get").lower() == "get"


def interface_text(html: str) -> list[str]:
    """The interface strings of a page (see the module's docstring), data left out."""
    tree = _Tree()
    tree.feed(html)
    found = []
    data_words = _data_words(tree.root)
    for node in _walk(tree.root):
        if _is_data(node) or any(_is_data(a) for a in node.ancestors()):
            continue
        if node.tag == "title":
            # a page's title repeats what its heading shows of the data (a project's code
            # and name, a document's number), but <title> can hold no markup: the words of
            # the title that the page shows as data are left out
            found.append(" ".join(w for w in _text(node).split() if w not in data_words))
            continue
        for attr in ("placeholder", "aria-label"):
            if node.attrs.get(attr):
                found.append(node.attrs[attr])
        if node.tag in HEADINGS:
            found.append(_text(node))
        elif node.tag == "a" and (
            "btn" in node.classes() or any("navbar" in a.classes() for a in node.ancestors())
        ):
            found.append(_text(node))
        elif node.tag == "option" and _in_filter_form(node):
            if not KEY_VALUE.match(node.attrs.get("value") or ""):
                found.append(_text(node))
    return [s for s in found if s]


def chinese_in(html: str) -> list[str]:
    return [s for s in interface_text(html) if CJK.search(s)]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory, _key_dir):
    """The demo city, seeded once for the module (``tests.conftest.demo_city``)."""
    yield from demo_city(django_db_blocker, tmp_path_factory, _key_dir)


def _menu_urls(user) -> list[str]:
    urls = []
    for entry in items_for(user):
        urls.extend(c["url"] for c in entry.get("children", [entry]))
    return urls


def _detail_links(html: str, seen: set[str]) -> list[str]:
    """The first link of a list page's table that opens another page of the platform."""
    tree = _Tree()
    tree.feed(html)
    for node in _walk(tree.root):
        if node.tag != "a" or not any(a.tag == "td" for a in node.ancestors()):
            continue
        href = node.attrs.get("href") or ""
        path = urlsplit(href).path
        if not path.startswith("/") or path in seen or path.endswith((".xlsx", ".pdf", ".csv")):
            continue
        try:
            resolve(path)
        except Resolver404:
            continue
        return [path]
    return []


def _project_url(user) -> list[str]:
    from core.scoping import for_user
    from projects.models import Project

    project = for_user(Project, user).order_by("-pk").first()
    return [f"/projects/{project.pk}/"] if project else []


def _pages_of(client, user) -> tuple[dict[str, list[str]], int]:
    """Open the user's pages in English: the workbench, the notifications, every menu entry,
    a project and the first detail page linked from each menu page; the interface strings
    with Chinese by page, and how many pages were opened."""
    menu = _menu_urls(user)
    pages = ["/", "/notifications/", *menu, *_project_url(user)]
    strings: dict[str, list[str]] = {}
    while pages:
        url = pages.pop(0)
        if url in strings:
            continue
        response = client.get(url, follow=True)  # a workspace may redirect to the user's own
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        strings[url] = interface_text(html)
        if url in menu:
            pages.extend(_detail_links(html, set(strings)))
    return strings, len(strings)


@pytest.mark.parametrize("family", FAMILIES)
def test_main_pages_in_english_hold_no_chinese_interface_text(city, db, client, family):
    user = city[FAMILIES[family]]
    client.force_login(user)
    client.cookies["django_language"] = "en"
    strings, opened = _pages_of(client, user)
    offending = {url: sorted({s for s in found if CJK.search(s)}) for url, found in strings.items()}
    report = "\n".join(f"{url}: {found}" for url, found in offending.items() if found)
    checked = sum(len(found) for found in strings.values())
    print(f"{family}: {opened} pages, {checked} interface strings")
    assert opened >= 10 and checked >= 500, (opened, checked)  # the walk reached the chapters
    assert not report, f"Chinese interface text in English for {family}:\n{report}"


def test_interface_text_leaves_data_out():
    html = """<html><head><title>XM-1 智慧校园 · Platform</title></head><body>
      <nav class="navbar"><a href="/">工作台</a><a data-testid="user-menu">张明</a></nav>
      <h1><span translate="no">智慧校园</span> <small translate="no">XM-1</small> 状态</h1>
      <table><tr><th>项目</th></tr><tr><td>市教委</td></tr></table>
      <form method="get"><select name="state"><option value="">全部</option>
        <option value="draft">草稿</option></select>
        <select name="unit"><option value="7">市教委</option></select></form>
      <input placeholder="搜索"><button name="language" value="zh-hans">简体中文</button>
    </body></html>"""
    # the title's code and name are the heading's data; the unit option is a foreign key
    assert chinese_in(html) == ["工作台", "状态", "项目", "全部", "草稿", "搜索"]


def test_article_citations_in_english():
    from django.utils import translation

    from policy.templatetags.citations import cite

    with translation.override("en"):
        assert cite("第八条、第九条") == "Article 8, Article 9"
        assert cite("第三十八条") == "Article 38"
    assert cite("第八条、第九条") == "第八条、第九条"  # Chinese pages are unchanged
