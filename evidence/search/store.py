"""The search index in the database, shared by every app server (``ranking.Index``).

Postings hold each term's BM25-saturated weight in its document, computed when the document
is indexed: the candidate step is then one ``SUM … GROUP BY`` over the postings of the query's
rarest terms, on PostgreSQL and SQLite alike, read from an index without the table (see
``models.Posting``). Document frequencies (all, and of projects) and the corpus counts are
kept by the same writes (``UPDATE … SET df = df + n``), so that concurrent writers agree.

``make bench`` (``bench/bench_evidence.py``) measures one check over 200,000 documents and
1,500,000 data items: about 30-40 ms on PostgreSQL, of which the database's part is what one
hand-written statement over the same postings takes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, F

from ..models import IndexDoc, IndexStats, IndexTerm, Posting
from .features import Features
from .ranking import PROJECT, Candidate, Corpus, TermStats, saturate

MAX_TERM = 64
BATCH = 2_000


@dataclass
class Entry:
    """A document to index."""

    kind: str
    ref_id: int
    unit_id: int | None
    meta: dict
    features: Features


def _stats() -> IndexStats:
    stats, _created = IndexStats.objects.get_or_create(pk=1)
    return stats


def _quoted(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _any(column: str, values: Sequence[int]) -> tuple[str, list[Any]]:
    """``column`` among ``values``: one array parameter on PostgreSQL (a long ``IN`` list
    costs more to send than to run), a list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _shift_counts(df: Mapping[int, int], project_df: Mapping[int, int], sign: int) -> None:
    """Add (or remove) documents to each term's frequencies: one ``UPDATE … FROM`` per
    ``BATCH`` terms, relative to the stored values so that concurrent writers agree."""
    table = _quoted(IndexTerm)
    ids = sorted(df)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        params = [x for i in chunk for x in (i, sign * df[i], sign * project_df.get(i, 0))]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH v(id, n, p) AS (VALUES {values}) UPDATE {table} "
                f"SET df = {table}.df + v.n, project_df = {table}.project_df + v.p "
                f"FROM v WHERE {table}.id = v.id",
                params,
            )


def _insert_postings(rows: list[tuple[int, int, float]]) -> None:
    """Store (term, document, weight) rows: PostgreSQL's COPY (millions when the index is
    rebuilt), one ``executemany`` elsewhere — neither builds a model instance per row."""
    table = _quoted(Posting)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (term_id, doc_id, weight) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (term_id, doc_id, weight) VALUES (%s, %s, %s)", rows
            )


def _term_ids(texts: Iterable[str]) -> dict[str, int]:
    """The ids of these terms, created for those the index does not have yet."""
    wanted = sorted(set(texts))
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        ids.update(IndexTerm.objects.filter(text__in=chunk).values_list("text", "id"))
        missing = [t for t in chunk if t not in ids]
        if missing:
            IndexTerm.objects.bulk_create(
                [IndexTerm(text=t) for t in missing], ignore_conflicts=True, batch_size=BATCH
            )
            ids.update(IndexTerm.objects.filter(text__in=missing).values_list("text", "id"))
    return ids


class DbIndex:
    """The index of ``IndexDoc``/``Posting`` rows."""

    # -- writing -------------------------------------------------------------------------------

    @transaction.atomic
    def put_many(self, entries: Sequence[Entry]) -> None:
        """Index (or re-index) these documents."""
        if not entries:
            return
        self.drop_many([(e.kind, e.ref_id) for e in entries])
        for e in entries:
            e.features.terms = Counter(
                {t: tf for t, tf in e.features.terms.items() if len(t) <= MAX_TERM}
            )
        ids = _term_ids(t for e in entries for t in e.features.terms)
        stats = _stats()
        added = sum(e.features.length for e in entries)
        n, total = stats.docs + len(entries), stats.total_length + added
        avgdl = total / n if n else 1.0
        docs = IndexDoc.objects.bulk_create(
            [
                IndexDoc(
                    kind=e.kind,
                    ref_id=e.ref_id,
                    unit_id=e.unit_id,
                    length=e.features.length,
                    meta=e.meta,
                )
                for e in entries
            ],
            batch_size=BATCH,
        )
        postings, df, project_df = [], Counter[int](), Counter[int]()
        for doc, e in zip(docs, entries, strict=True):
            length = e.features.length
            for term, tf in e.features.terms.items():
                postings.append((ids[term], doc.pk, saturate(tf, length, avgdl)))
                df[ids[term]] += 1
                project_df[ids[term]] += e.kind == PROJECT
        _insert_postings(postings)
        _shift_counts(df, project_df, +1)
        projects = sum(1 for e in entries if e.kind == PROJECT)
        IndexStats.objects.filter(pk=stats.pk).update(
            docs=F("docs") + len(entries),
            projects=F("projects") + projects,
            total_length=F("total_length") + added,
        )

    def put(self, entry: Entry) -> None:
        self.put_many([entry])

    @transaction.atomic
    def drop_many(self, keys: Sequence[tuple[str, int]]) -> int:
        """Remove these documents (those not indexed are ignored); returns how many."""
        by_kind: dict[str, list[int]] = {}
        for kind, ref_id in keys:
            by_kind.setdefault(kind, []).append(ref_id)
        dropped, length, projects = 0, 0, 0
        for kind, refs in by_kind.items():
            for start in range(0, len(refs), BATCH):
                rows = IndexDoc.objects.filter(kind=kind, ref_id__in=refs[start : start + BATCH])
                doc_ids, doc_length = [], 0
                for pk, n in rows.values_list("pk", "length"):
                    doc_ids.append(pk)
                    doc_length += n
                if doc_ids:
                    self._drop_docs(doc_ids, kind == PROJECT)
                dropped += len(doc_ids)
                length += doc_length
                projects += len(doc_ids) if kind == PROJECT else 0
        if dropped:
            IndexStats.objects.filter(pk=_stats().pk).update(
                docs=F("docs") - dropped,
                projects=F("projects") - projects,
                total_length=F("total_length") - length,
            )
        return dropped

    @staticmethod
    def _drop_docs(doc_ids: list[int], projects: bool) -> None:
        """Remove these documents (all of one kind) and their postings, and their terms'
        frequencies with them."""
        postings = Posting.objects.filter(doc_id__in=doc_ids)
        counts = dict(postings.order_by().values_list("term_id").annotate(n=Count("doc_id")))
        _shift_counts(counts, counts if projects else {}, -1)
        postings.delete()
        IndexDoc.objects.filter(pk__in=doc_ids).delete()

    @transaction.atomic
    def clear(self) -> None:
        """Empty the index (before a rebuild)."""
        tables = (Posting, IndexDoc, IndexTerm, IndexStats)
        if connection.vendor == "postgresql":  # millions of postings: no row-by-row delete
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(_quoted(m) for m in tables)}")
            return
        for model in tables:
            model.objects.all().delete()

    # -- reading (ranking.Index) ----------------------------------------------------------------

    def stats(self) -> Corpus:
        row = IndexStats.objects.filter(pk=1).values_list("docs", "total_length", "projects")
        docs, total, projects = row.first() or (0, 0, 0)
        return Corpus(docs, total / docs if docs else 0.0, projects)

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, TermStats]:
        wanted = [t for t in terms if len(t) <= MAX_TERM]
        rows = IndexTerm.objects.filter(text__in=wanted, df__gt=0).values_list(
            "text", "id", "df", "project_df"
        )
        return {text: TermStats(term_id, df, pdf) for text, term_id, df, pdf in rows}

    def best(self, weights: Mapping[int, float], limit: int, exclude: set[int]) -> list[int]:
        """The documents with the best BM25 over ``weights`` (term id → query weight): one
        ``SUM … GROUP BY`` over the terms' postings (an index-only scan on PostgreSQL)."""
        if not weights:
            return []
        ids = list(weights)
        cases = " ".join("WHEN %s THEN CAST(%s AS DOUBLE PRECISION)" for _ in ids)
        params: list[Any] = [x for term_id in ids for x in (term_id, float(weights[term_id]))]
        where, values = _any("term_id", ids)
        rows = _rows(
            f"SELECT doc_id, SUM(weight * CASE term_id {cases} ELSE 0.0 END) AS score "
            f"FROM {_quoted(Posting)} WHERE {where} "
            "GROUP BY doc_id ORDER BY score DESC, doc_id LIMIT %s",
            [*params, *values, limit + len(exclude)],
        )
        return [doc_id for doc_id, _score in rows if doc_id not in exclude][:limit]

    def candidates(self, doc_ids: list[int]) -> list[Candidate]:
        """The documents with their whole vectors (``posting_by_doc``) and their terms'
        frequencies (by the terms' key: a join let the planner scan every term)."""
        if not doc_ids:
            return []
        docs = {
            pk: (kind, ref_id, meta)
            for pk, kind, ref_id, meta in IndexDoc.objects.filter(pk__in=doc_ids).values_list(
                "pk", "kind", "ref_id", "meta"
            )
        }
        where, values = _any("doc_id", list(docs))
        postings = _rows(
            f"SELECT doc_id, term_id, weight FROM {_quoted(Posting)} WHERE {where}", values
        )
        wanted = sorted({term_id for _doc, term_id, _w in postings})
        terms: dict[int, tuple[str, TermStats]] = {}
        for start in range(0, len(wanted), BATCH):
            where, values = _any("id", wanted[start : start + BATCH])
            rows = _rows(
                f"SELECT id, text, df, project_df FROM {_quoted(IndexTerm)} WHERE {where}", values
            )
            for term_id, text, df, project_df in rows:
                terms[term_id] = (text, TermStats(term_id, df, project_df))
        weights: dict[int, dict[str, float]] = {pk: {} for pk in docs}
        dfs: dict[int, dict[str, TermStats]] = {pk: {} for pk in docs}
        for doc_id, term_id, weight in postings:
            text, stats = terms[term_id]
            weights[doc_id][text] = weight
            dfs[doc_id][text] = stats
        return [
            Candidate(pk, docs[pk][0], docs[pk][1], docs[pk][2], weights[pk], dfs[pk])
            for pk in doc_ids
            if pk in docs
        ]
