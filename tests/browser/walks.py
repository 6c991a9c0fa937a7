"""What every page of a browser walk must show whoever is signed in: no internal code in the
visible text, the "您现在可以办理" card on an object's page (issue 18).

``check_page`` checks the page in front of the user now; ``PageChecker`` checks every page the
browser finishes loading (and the walk may call it again with a form opened), so a walk built
from helpers that navigate on their own (the menus, the decision pages) is checked
everywhere without each helper knowing about it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Machine codes a person should never read: action and field names (``list_review``,
# ``decide_list_review``), transitions written as code (``→ approved``), the engine's words
# (``被阻止``), a policy's code (``cq-municipal-…``) and rule ids (``R8.2.criteria``) outside
# the small citation badges that carry them on purpose.
INTERNAL_CODE = re.compile(
    r"\b[a-z]+(?:_[a-z]+)+\b|→ ?[a-z]|被阻止|cq-municipal|\bR\d+\.\d+\.[a-z]"
)

# In one go (so that the address, the user and the text belong to the same page): who is signed
# in, whether the card is there, and the visible text of <main> without the citation badges and
# the elements that show a code on purpose (``code``, ``[data-code]``), which a style sheet
# hides while ``innerText`` is read (innerText follows the rendering, so closed forms and hidden
# dialogs do not count); the sheet is removed before the page is painted again.
PAGE_JS = """() => {
  const main = document.querySelector('main');
  const menu = document.querySelector('[data-testid=user-menu]');
  const seen = {
    url: location.href,
    user: menu ? menu.innerText.split(/\\s+/).join(' ').trim() : '',
    card: !!document.querySelector('[data-testid=next-steps]'),
    complete: document.readyState === 'complete',
    text: null,
  };
  if (!main) return seen;
  const style = document.createElement('style');
  style.textContent = '.govit-cite, main code, main [data-code] { display: none !important; }';
  document.head.appendChild(style);
  try { seen.text = main.innerText; } finally { style.remove(); }
  return seen;
}"""

# Pages of one object, which carry the "您现在可以办理" card: the project page and the delivery
# page (not their sub-pages such as a decision or the archive download).
OBJECT_PAGE = re.compile(r"^/(?:delivery/)?projects/\d+/$")


@dataclass
class Problem:
    """Something a page showed (or failed to show) to the user signed in."""

    url: str
    user: str
    what: str

    def __str__(self) -> str:
        return f"{self.user or '—'} @ {self.url}: {self.what}"


def _path(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url)
    return path.split("#")[0].split("?")[0]


def page_problems(page) -> list[Problem]:
    """What is wrong with the page in front of the user (empty: nothing)."""
    return problems_of(page.evaluate(PAGE_JS))


def problems_of(seen: dict) -> list[Problem]:
    """The problems of a page as ``PAGE_JS`` saw it."""
    url, user, text = seen["url"], seen["user"], seen["text"]
    problems = []
    for match in INTERNAL_CODE.finditer(text or ""):
        start, end = max(match.start() - 30, 0), match.end() + 30
        context = " ".join(text[start:end].split())
        problems.append(Problem(url, user, f"内部代码 {match.group(0)!r}：…{context}…"))
    if OBJECT_PAGE.match(_path(url)) and not seen["card"]:
        problems.append(Problem(url, user, "没有“您现在可以办理”卡片"))
    return problems


def check_page(page) -> None:
    """Fail on the first page showing an internal code or missing its card."""
    problems = page_problems(page)
    assert not problems, "\n".join(map(str, problems))


@dataclass
class PageChecker:
    """Checks every page the walk's browser page finishes loading; ``problems`` and ``seen``
    (path, user) collect what was found, ``assert_clean`` fails with all of it."""

    page: Any  # playwright's Page
    problems: list[Problem] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("load", self._loaded)

    def _loaded(self, page) -> None:
        try:
            seen = page.evaluate(PAGE_JS)
        except Exception as exc:  # the walk moved on before the check ran: the next page is
            # checked when it loads, this one was never seen by anybody
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            return
        # a document still loading (the walk moved on) is checked on its own load event
        if seen["complete"] and not seen["url"].startswith(("about:", "data:")):
            self._record(seen)

    def _record(self, seen: dict) -> list[Problem]:
        found = problems_of(seen)
        self.seen.append((_path(seen["url"]), seen["user"]))
        self.problems.extend(found)
        return found

    def check(self, page=None) -> list[Problem]:
        """Check the page now (e.g. with a form opened); returns what it found."""
        return self._record((page or self.page).evaluate(PAGE_JS))

    def assert_clean(self) -> None:
        unique = list(dict.fromkeys(map(str, self.problems)))
        assert not unique, f"{len(unique)} problems:\n" + "\n".join(unique)
