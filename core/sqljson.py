"""Portable JSON building in SQL (SQLite and PostgreSQL), for set-based decisions that store
their facts as JSON without a Python round trip per row.

SQLite's JSON functions nest a value as JSON only while it carries the JSON "subtype", which a
subquery or a CASE drops; ``JSONValue`` re-marks text as JSON (``JSON(x)``), and on PostgreSQL
casts it to jsonb. ``JSONList`` is the array aggregate of each backend.
"""

from __future__ import annotations

from django.db.models import Aggregate, Case, Func, JSONField, TextField, Value, When
from django.db.models.functions import Cast, Substr


class JSONValue(Func):
    """Text that holds JSON, as a JSON value (nests as an array/object, not as a string)."""

    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)::jsonb", **extra)


class JSONMerge(Func):
    """The keys of the second JSON object added to the first (``JSON_PATCH`` / ``||``)."""

    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_PATCH", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" || ", **extra
        )


class JSONList(Aggregate):
    """The grouped values as one JSON array (ordered by value on PostgreSQL; SQLite 3.40 has no
    ordered aggregates, so readers that show a list sort it)."""

    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # the value appears twice (aggregated and ordered by), so do its parameters
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"JSONB_AGG({sql} ORDER BY {sql})", (*params, *params)


class TextJoin(Func):
    """``a || b || c`` as one flat expression. Django's ``Concat`` nests a pair per argument,
    which overflows SQLite's parser stack once a decision joins a dozen conditions; every part
    here is non-null text (PostgreSQL's ``||`` on jsonb would merge, so parts are cast)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        c = self.copy()
        c.set_source_expressions([Cast(e, TextField()) for e in c.get_source_expressions()])
        return super(TextJoin, c).as_sql(compiler, connection, **extra)


def json_literal(value: str) -> JSONValue:
    """A constant JSON value written as JSON text, e.g. ``json_literal("false")``."""
    return JSONValue(Value(value, output_field=TextField()))


def joined_json_array(parts) -> TextJoin:
    """A JSON array as text from ``(condition, json_text)`` pairs: the texts whose condition holds,
    in order. Each text is prefixed with a comma and the first comma cut off, so no separator
    logic depends on which parts hold."""
    pieces = [
        Case(
            When(condition, then=TextJoin(Value(","), text)),
            default=Value(""),
            output_field=TextField(),
        )
        for condition, text in parts
    ]
    body = TextJoin(*pieces) if len(pieces) > 1 else pieces[0]
    return TextJoin(Value("["), Substr(body, 2), Value("]"))
