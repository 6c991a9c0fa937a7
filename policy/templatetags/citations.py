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
