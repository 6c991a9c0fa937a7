"""Chinese segmentation of short official text, with the platform's government vocabulary.

rjieba (the Python binding of jieba-rs, jieba's dictionary compiled in) splits the text; the
words of ``dictionary/govwords.txt`` are added so that names such as 统一社会信用代码 or
一体化政务服务平台 stay whole, and each long word also yields its dictionary sub-words (jieba's
search mode), so that 学生资助精准认定 and 资助学生认定 still share 学生, 资助 and 认定. Words of one meaning become
their canonical word (``dictionary/synonyms.txt``); the words every requirement uses
(``dictionary/stopwords.txt``) are dropped. Nothing is downloaded: the dictionaries are files
of this app and of the jieba package.

``evidence/eval`` measured the alternatives on the labelled pairs (``--compare``): jieba's
search mode and rjieba judge the pairs alike (precision 0.98-1.00, recall 0.98) and better than
jieba's precise mode (recall 0.95); character bigrams judge as well but index almost twice the
terms and give a reviewer unreadable reasons (助精, 准认). rjieba cuts five times faster than
jieba (11 ms against 57 ms for 10,000 characters) and loads in 0.7 s against 2.2 s, so it is
the one in force; jieba (a development dependency) stays for the comparison.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

DICTIONARY = Path(__file__).resolve().parent.parent / "dictionary"
_LOCK = threading.Lock()
_WORD = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")
_ASCII = re.compile(r"[a-z0-9]+")
#: what ``tokens`` cuts with: "search" (jieba, with sub-words), "precise" (jieba),
#: "rjieba" (the Rust port, with sub-words) or "bigram" (no dictionary)
MODE = "rjieba"


def _lines(name: str) -> Iterable[list[str]]:
    for line in (DICTIONARY / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line.split()


@cache
def vocabulary() -> list[tuple[str, int]]:
    """The government words added to the segmenter, with their frequencies."""
    return [(w[0], int(w[1]) if len(w) > 1 else 1000) for w in _lines("govwords.txt")]


@cache
def synonyms() -> dict[str, str]:
    """Each variant word to its canonical word."""
    canonical: dict[str, str] = {}
    for words in _lines("synonyms.txt"):
        for word in words:
            canonical.setdefault(normalise(word), normalise(words[0]))
    return canonical


@cache
def stopwords() -> frozenset[str]:
    return frozenset(normalise(w) for words in _lines("stopwords.txt") for w in words)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case (Ａｐｐ and app are one word)."""
    return unicodedata.normalize("NFKC", text or "").lower()


@cache
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with _LOCK:
        tokenizer.initialize()
        for word, freq in vocabulary():
            tokenizer.add_word(word, freq)
        for variant in synonyms():
            if len(variant) > 1 and _WORD.fullmatch(variant):
                tokenizer.add_word(variant, 800)
    return tokenizer


@cache
def _rjieba() -> object:
    import rjieba

    cutter = rjieba.Jieba()
    for word, freq in vocabulary():
        cutter.add_word(word, freq, None)
    return cutter


def _subwords(words: Iterable[str], known: Callable[[str], bool]) -> list[str]:
    """Each word, and the dictionary words of two and three characters inside a longer one
    (jieba's search mode, for any segmenter)."""
    out: list[str] = []
    for word in words:
        if len(word) > 2 and not _ASCII.fullmatch(word):
            for size in (2, 3):
                if len(word) > size:
                    out.extend(
                        word[i : i + size]
                        for i in range(len(word) - size + 1)
                        if known(word[i : i + size])
                    )
        out.append(word)
    return out


def _jieba_words(text: str, search: bool) -> list[str]:
    tokenizer = _jieba()
    if search:
        return list(tokenizer.cut_for_search(text))  # type: ignore[attr-defined]
    return list(tokenizer.cut(text))  # type: ignore[attr-defined]


def _rjieba_words(text: str) -> list[str]:
    cutter = _rjieba()
    words = cutter.cut(text)  # type: ignore[attr-defined]
    return _subwords(words, lambda w: bool(cutter.has_word(w)))  # type: ignore[attr-defined]


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _WORD.findall(text):
        if _ASCII.fullmatch(run):
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


def raw_words(text: str, mode: str | None = None) -> list[str]:
    """The words of ``text`` before synonyms and stop words, by ``mode`` (``MODE``)."""
    text = normalise(text)
    mode = mode or MODE
    if mode == "bigram":
        return _bigrams(text)
    if mode == "rjieba":
        return _rjieba_words(text)
    return _jieba_words(text, search=mode == "search")


def tokens(text: str, mode: str | None = None) -> list[str]:
    """The content words of ``text``: segmented, canonical, without stop words, punctuation,
    numbers or single characters."""
    canonical, stop = synonyms(), stopwords()
    out = []
    for word in raw_words(text, mode):
        word = word.strip()
        if not _WORD.fullmatch(word):
            continue
        word = canonical.get(word, word)
        # numbers are counts, years and amounts, not what a system does
        if word in stop or len(word) < 2 or word.isdigit():
            continue
        out.append(word)
    return out


def item_name(name: str) -> str:
    """A data item's canonical name: normalised, without spaces or brackets, then its
    synonym's canonical form (公民身份号码 and 身份证号 are one item)."""
    norm = re.sub(r"[\s_\-·（）()【】\[\]：:]+", "", normalise(name))
    return synonyms().get(norm, norm)


def warm_up() -> None:
    """Load the dictionary now (about a second) rather than on the first check."""
    tokens("数字重庆云")
