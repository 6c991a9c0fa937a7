"""The text of the measures (渝府办发〔2021〕122号), shipped with the platform and read into
chapters and articles, so that every step can link to the articles that govern it
(issue 18 pt 12). The file is the published text as issued (此件公开发布)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .templatetags.citations import numeral

TEXT = Path(__file__).parent / "measures" / "chongqing-2021-122.txt"
TITLE = "重庆市市级政务信息化项目管理办法"
CHAPTER = re.compile(r"^第([一二三四五六七八九十]+)章\s*(.+)$")
ARTICLE = re.compile(r"^第([一二三四五六七八九十]+)条\s*(.*)$")
PAGE_NUMBER = re.compile(r"^-\s*\d+\s*-$")


@dataclass
class Article:
    """One article: its number, its heading as written (第八条) and its paragraphs."""

    number: int
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"art-{self.number}"

    @property
    def summary(self) -> str:
        """The article's first sentence, for a link's title."""
        first = self.paragraphs[0] if self.paragraphs else ""
        return first.split("。")[0][:80]


@dataclass
class Chapter:
    heading: str
    articles: list[Article] = field(default_factory=list)


@lru_cache(maxsize=1)
def chapters() -> tuple[Chapter, ...]:
    """The measures as chapters of articles (the notice before 第一章 is left out)."""
    result: list[Chapter] = []
    article: Article | None = None
    for raw in TEXT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or PAGE_NUMBER.match(line):
            continue
        if chapter := CHAPTER.match(line):
            result.append(Chapter(f"第{chapter[1]}章 {chapter[2].replace(' ', '')}"))
            article = None
        elif match := ARTICLE.match(line):
            article = Article(numeral(match[1]), f"第{match[1]}条", [match[2]])
            result[-1].articles.append(article)
        elif article is not None:
            article.paragraphs.append(line)
    return tuple(result)


@lru_cache(maxsize=1)
def articles() -> dict[int, Article]:
    return {a.number: a for c in chapters() for a in c.articles}
