"""Portable JSON building in SQL (SQLite and PostgreSQL), for set-based decisions that store
their facts as JSON without a Python round trip per row.

SQLite's JSON functions nest a value as JSON only while it carries the JSON "subtype", which a
subquery or a CASE drops; ``JSONValue`` re-marks text as JSON (``JSON(x)``), and on PostgreSQL
casts it to jsonb. ``JSONList`` is the array aggregate of each backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Aggregate, Case, Func, JSONField, TextField, Value, When
from django.db.models.functions import Cast, Substr

if TYPE_CHECKING:  # django-stubs' names for the compiler and what it returns (stubs only)
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Expression, Field
    from django.db.models.sql.compiler import SQLCompiler
    from django.db.models.sql.compiler import _AsSqlType as AsSql


class JSONValue(Func):
    """Text that holds JSON, as a JSON value (nests as an array/object, not as a string)."""

    output_field = JSONField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        return super().as_sql(compiler, connection, function="JSON", **extra)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        return super().as_sql(compiler, connection, template="(%(expressions)s)::jsonb", **extra)


class JSONMerge(Func):
    """The keys of the second JSON object added to the first (``JSON_PATCH`` / ``||``)."""

    output_field = JSONField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        return super().as_sql(compiler, connection, function="JSON_PATCH", **extra)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" || ", **extra
        )


class JSONList(Aggregate):
    """The grouped values as one JSON array (ordered by value on PostgreSQL; SQLite 3.40 has no
    ordered aggregates, so readers that show a list sort it)."""

    output_field = JSONField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
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

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        c = self.copy()
        c.set_source_expressions([Cast(e, TextField()) for e in c.get_source_expressions()])
        return super(TextJoin, c).as_sql(compiler, connection, **extra)


def json_literal(value: str) -> JSONValue:
    """A constant JSON value written as JSON text, e.g. ``json_literal("false")``."""
    return JSONValue(Value(value, output_field=TextField()))


class ByVendor(Func):
    """One of two equivalent expressions, chosen when compiled: the first on SQLite, the second
    on PostgreSQL (where JSON is built natively instead of as text)."""

    def __init__(
        self, sqlite: Expression, postgresql: Expression, *, output_field: Field[Any, Any]
    ) -> None:
        super().__init__(sqlite, postgresql, output_field=output_field)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        return compiler.compile(self.get_source_expressions()[0])

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> AsSql:
        return compiler.compile(self.get_source_expressions()[1])


def joined_json_array(parts: Sequence[tuple[Any, Any]]) -> ByVendor:
    """A JSON array of the values whose condition holds, in order, from ``(condition, value)``
    pairs (values: JSON expressions or JSON text). SQLite joins texts: each prefixed with a comma,
    the first comma cut off, so no separator logic depends on which parts hold. PostgreSQL
    collects jsonb values in an array without the NULLs of the parts that do not hold, rather
    than printing and re-parsing them."""
    pieces = [
        Case(
            When(condition, then=TextJoin(Value(","), value)),
            default=Value(""),
            output_field=TextField(),
        )
        for condition, value in parts
    ]
    body = TextJoin(*pieces) if len(pieces) > 1 else pieces[0]
    as_text = TextJoin(Value("["), Substr(body, 2), Value("]"))
    as_jsonb = Func(
        *(
            Case(When(condition, then=JSONValue(value)), default=None, output_field=JSONField())
            for condition, value in parts
        ),
        template="TO_JSONB(ARRAY_REMOVE(ARRAY[%(expressions)s]::jsonb[], NULL))",
        output_field=JSONField(),
    )
    return ByVendor(as_text, as_jsonb, output_field=JSONField())
