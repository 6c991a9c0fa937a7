"""``cite``: an article citation of the Measures (第八条、第九条) in the reader's language."""

import re

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

ARTICLE = re.compile("第([一二三四五六七八九十]+)条")
DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", start=1)}
# the pattern of one article in the active language; a catalogue without it leaves citations
# as they are written (Chinese), so the Chinese pages do not change
ONE_ARTICLE = gettext_noop("第%(n)s条")


def numeral(chinese: str) -> int:
    """1-99 written in Chinese numerals: 八 8, 十 10, 十一 11, 二十 20, 三十八 38."""
    tens, _, units = chinese.rpartition("十")
    if "十" not in chinese:
        return DIGITS[chinese]
    return DIGITS.get(tens, 1) * 10 + DIGITS.get(units, 0)


@register.filter
def cite(value: object) -> str:
    """``第八条、第九条`` as "Article 8, Article 9" in English, unchanged in Chinese."""
    text = str(value or "")
    pattern = gettext(ONE_ARTICLE)
    if pattern == ONE_ARTICLE:
        return text
    cited = ARTICLE.sub(lambda m: pattern % {"n": numeral(m[1])}, text)
    return cited.replace("、", ", ")


@register.filter(needs_autoescape=True)
def cite_links(value: object, autoescape: bool = True) -> str:
    """``第八条、第九条`` with each article a link to its text (``/policy/measures/#art-8``,
    its first sentence as the link's title), in the reader's language (issue 18 pt 12)."""
    from django.urls import reverse
    from django.utils.html import conditional_escape, format_html
    from django.utils.safestring import mark_safe

    from ..measures import articles

    text = str(conditional_escape(str(value or "")))
    page = reverse("policy:measures")

    def link(match: re.Match[str]) -> str:
        article = articles().get(numeral(match[1]))
        label = cite(match[0])
        if article is None:
            return label
        return str(
            format_html(
                '<a href="{}#{}" title="{}" data-testid="article-link">{}</a>',
                page,
                article.anchor,
                article.summary,
                label,
            )
        )

    linked = ARTICLE.sub(link, text)
    if gettext(ONE_ARTICLE) != ONE_ARTICLE:
        linked = linked.replace("、", ", ")
    return mark_safe(linked)  # escaped above; the links are built by format_html
