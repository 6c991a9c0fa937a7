"""Ranking and similarity: BM25 to find candidates, a normalised similarity to flag them.

A check runs in two steps over an index (``store.DbIndex``, or ``MemoryIndex`` for the
evaluation):

1. **candidates** — BM25 over the query's rarest terms (those whose postings together stay
   within ``POSTINGS_BUDGET``): a common word (管理, 平台) adds little to BM25 and would make
   the step read a large part of the index; the best ``CANDIDATES`` are kept;
2. **similarity** — for those candidates, every shared term counts: the cosine of the two
   texts' BM25-weighted vectors (idf × saturated term frequency). Unlike a raw BM25 score it
   lies between 0 and 1 whatever the query's length, so one threshold (``FLAG_AT``) flags a
   possible duplicate, and it says what is shared: the terms, functions and data items a
   reviewer reads as the reasons.

Neither step counts the corpus's boilerplate (``Corpus.boilerplate``: what most documents, or
most documents of one kind, say), and a text of a few words is not flagged for the one word it
shares (``OWN_WORDS``).

``evidence/eval`` measured BM25 ranking against the cosine and chose these parameters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .features import ITEM_PREFIX, Features
from .segment import tokens

PROJECT = "project"  # models.DocKind.PROJECT (the search package imports no models)
K1 = 1.2
B = 0.5
#: postings read in the candidate step at most (the rarest terms first)
POSTINGS_BUDGET = 40_000
CANDIDATES = 40
#: the similarity from which a match is flagged as a possible duplicate
FLAG_AT = 0.30
#: every text is taken to say this many things of its own — words only it has (df 1) — added
#: to both norms of the cosine: a text of a few words (a bare name) then seldom reaches
#: ``FLAG_AT`` through the one word it shares with another, while a full requirement hardly
#: moves (``evidence/eval``: the same precision and recall; on the demo, 19 flags instead of 43)
OWN_WORDS = 3
#: matches below this are not shown at all
SHOW_AT = 0.12
#: a term in more than this share of the documents, or of the documents of one kind (once
#: there are ``COMMON_FROM`` of them), is the corpus's boilerplate — the sentence every report
#: repeats about the data platform, the category every catalogue entry names: it is not
#: compared. By kind, because what every project says (its report's set phrases) is absent
#: from the systems and would otherwise pass for rare in a catalogue of many systems.
COMMON_SHARE = 0.5
COMMON_FROM = 10


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def saturate(tf: float, length: float, avgdl: float) -> float:
    """BM25's term-frequency part: saturating in ``tf``, normalised by length."""
    avgdl = avgdl or 1.0
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avgdl))


@dataclass(frozen=True)
class Corpus:
    """The counts of the whole index a check needs: documents (all, and projects), and their
    average length."""

    docs: int
    avgdl: float
    projects: int = 0

    def boilerplate(self, df: int, project_df: int) -> bool:
        """Is a term with these document frequencies the corpus's boilerplate?"""
        systems, system_df = self.docs - self.projects, df - project_df
        return any(
            n >= COMMON_FROM and f > COMMON_SHARE * n
            for n, f in ((self.docs, df), (self.projects, project_df), (systems, system_df))
        )


@dataclass(frozen=True)
class TermStats:
    """A term of the index: its id and how many documents (and projects) have it."""

    term_id: int
    df: int
    project_df: int = 0


@dataclass
class Candidate:
    """A document of the index that may match, with what the index holds about it."""

    doc_id: int
    kind: str
    ref_id: int
    meta: dict
    weights: dict[str, float]  # term -> saturated tf
    df: dict[str, TermStats]  # term -> how many documents have it


@dataclass
class Match:
    """One existing system or project close to the query, with its reasons."""

    kind: str
    ref_id: int
    meta: dict
    similarity: float
    score: float
    terms: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.similarity >= FLAG_AT

    def reasons(self) -> dict[str, Any]:
        return {"terms": self.terms, "items": self.items, "functions": self.functions}


class Index(Protocol):
    """What the ranking needs from an index (the database's, or one in memory)."""

    def stats(self) -> Corpus: ...

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, TermStats]: ...

    def best(self, weights: Mapping[int, float], limit: int, exclude: set[int]) -> list[int]: ...

    def candidates(self, doc_ids: list[int]) -> list[Candidate]: ...


def query_weights(features: Features, n: int, avgdl: float, df: Mapping[str, int]) -> dict:
    """The query's vector: idf × its own saturated term frequency."""
    length = features.length
    return {
        term: idf(df.get(term, 0), n) * saturate(tf, length, avgdl)
        for term, tf in features.terms.items()
    }


def _norm(vector: Mapping[str, float], own: float = 0.0) -> float:
    """The vector's length, with ``own`` added to its square (``OWN_WORDS``)."""
    return math.sqrt(sum(v * v for v in vector.values()) + own) or 1.0


def rank(
    index: Index,
    query: Features,
    *,
    limit: int = 10,
    exclude: Iterable[tuple[str, int]] = (),
    show_at: float = SHOW_AT,
) -> list[Match]:
    """The existing documents closest to ``query``, best first."""
    corpus = index.stats()
    n = corpus.docs
    if n == 0 or not query.terms:
        return []
    known = index.document_frequencies(query.terms)
    common = {t for t, s in known.items() if corpus.boilerplate(s.df, s.project_df)}
    known = {t: s for t, s in known.items() if t not in common}
    query = Features(
        Counter({t: tf for t, tf in query.terms.items() if t not in common}),
        query.functions,
        query.items,
    )
    qvec = query_weights(query, n, corpus.avgdl, {t: s.df for t, s in known.items()})
    excluded = set(exclude)
    doc_ids = index.best(candidate_terms(known, qvec), CANDIDATES + len(excluded), set())
    found = [c for c in index.candidates(doc_ids) if (c.kind, c.ref_id) not in excluded]
    own = OWN_WORDS * idf(1, n) ** 2  # of saturated weight 1 each
    qnorm = _norm(qvec, own)
    lines = [(line, set(tokens(line))) for line in query.functions]
    matches = []
    for c in found:
        dvec = {
            t: idf(c.df[t].df, n) * w
            for t, w in c.weights.items()
            if not corpus.boilerplate(c.df[t].df, c.df[t].project_df)
        }
        shared = set(qvec) & set(dvec)
        dot = sum(qvec[t] * dvec[t] for t in shared)
        similarity = dot / (qnorm * _norm(dvec, own))
        if similarity < show_at:
            continue
        score = sum(qvec[t] * c.weights[t] for t in shared)
        matches.append(_explain(lines, c, similarity, score, shared, qvec))
    matches.sort(key=lambda m: (-m.similarity, -m.score))
    return matches[:limit]


def candidate_terms(known: Mapping[str, TermStats], qvec: Mapping[str, float]) -> dict[int, float]:
    """The query's rarest terms whose postings together stay within ``POSTINGS_BUDGET`` (at
    least one), by term id, with their query weights: what the candidate step reads."""
    budget, chosen = POSTINGS_BUDGET, dict[int, float]()
    for term in sorted(known, key=lambda t: (known[t].df, t)):
        stats = known[term]
        if chosen and stats.df > budget:
            break
        budget -= stats.df
        chosen[stats.term_id] = qvec[term]
    return chosen


def _explain(
    lines: list[tuple[str, set[str]]],
    c: Candidate,
    similarity: float,
    score: float,
    shared: set[str],
    qvec: Mapping[str, float],
) -> Match:
    """The match with its reasons: the shared words that weigh most, the shared data items,
    and the query's functions the document also has."""
    ordered = sorted(shared, key=lambda t: -qvec[t] * c.weights[t])
    words = _whole_words([t for t in ordered if not t.startswith(ITEM_PREFIX)])[:8]
    items = [t[len(ITEM_PREFIX) :] for t in ordered if t.startswith(ITEM_PREFIX)]
    functions = []
    for line, words_of_line in lines:
        if not words_of_line:
            continue
        weight = sum(qvec.get(w, 0.0) for w in words_of_line)
        covered = sum(qvec.get(w, 0.0) for w in words_of_line & shared)
        if weight and covered / weight >= 0.6:
            functions.append(line)
    return Match(
        kind=c.kind,
        ref_id=c.ref_id,
        meta=c.meta,
        similarity=round(similarity, 3),
        score=round(score, 3),
        terms=words,
        items=items,
        functions=functions,
    )


def _whole_words(words: list[str]) -> list[str]:
    """The words without those inside another of them (互联网医院, not also 互联网, 医院): the
    segmenter's sub-words help matching but repeat themselves as reasons."""
    return [w for w in words if not any(w != o and w in o for o in words)]


class MemoryIndex:
    """The index in memory: the evaluation runs on it, and the tests check that the
    database's index ranks the same."""

    def __init__(self) -> None:
        self.docs: dict[int, tuple[str, int, dict, Counter]] = {}
        self.keys: dict[tuple[str, int], int] = {}
        self.term_ids: dict[str, int] = {}
        self.df: Counter = Counter()
        self.project_df: Counter = Counter()
        self.next_id = 1

    def put(self, kind: str, ref_id: int, meta: dict, features: Features) -> None:
        self.drop(kind, ref_id)
        doc_id, self.next_id = self.next_id, self.next_id + 1
        self.docs[doc_id] = (kind, ref_id, meta, Counter(features.terms))
        self.keys[(kind, ref_id)] = doc_id
        for term in features.terms:
            self.term_ids.setdefault(term, len(self.term_ids) + 1)
            self.df[term] += 1
            self.project_df[term] += kind == PROJECT

    def drop(self, kind: str, ref_id: int) -> None:
        doc_id = self.keys.pop((kind, ref_id), None)
        if doc_id is not None:
            for term in self.docs.pop(doc_id)[3]:
                self.df[term] -= 1
                self.project_df[term] -= kind == PROJECT

    def stats(self) -> Corpus:
        n = len(self.docs)
        total = sum(sum(d[3].values()) for d in self.docs.values())
        projects = sum(1 for d in self.docs.values() if d[0] == PROJECT)
        return Corpus(n, total / n if n else 0.0, projects)

    def _stats(self, term: str) -> TermStats:
        return TermStats(self.term_ids[term], self.df[term], self.project_df[term])

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, TermStats]:
        return {t: self._stats(t) for t in terms if self.df.get(t, 0) > 0}

    def _saturated(self, counts: Counter, avgdl: float) -> dict[str, float]:
        length = sum(counts.values())
        return {t: saturate(tf, length, avgdl) for t, tf in counts.items()}

    def best(self, weights: Mapping[int, float], limit: int, exclude: set[int]) -> list[int]:
        avgdl = self.stats().avgdl
        by_id = {i: t for t, i in self.term_ids.items()}
        wanted = {by_id[i]: w for i, w in weights.items()}
        scores: dict[int, float] = {}
        for doc_id, (_k, _r, _m, counts) in self.docs.items():
            if doc_id in exclude:
                continue
            sat = self._saturated(counts, avgdl)
            s = sum(w * sat[t] for t, w in wanted.items() if t in sat)
            if s:
                scores[doc_id] = s
        return sorted(scores, key=lambda d: -scores[d])[:limit]

    def candidates(self, doc_ids: list[int]) -> list[Candidate]:
        avgdl = self.stats().avgdl
        out = []
        for doc_id in doc_ids:
            kind, ref_id, meta, counts = self.docs[doc_id]
            sat = self._saturated(counts, avgdl)
            out.append(Candidate(doc_id, kind, ref_id, meta, sat, {t: self._stats(t) for t in sat}))
        return out
