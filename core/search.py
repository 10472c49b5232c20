"""The one Chinese full-text search helper of the portal (articles, courses, jobs).

Chinese has no spaces, so text is segmented with rjieba (a Rust port of jieba) before it is
stored or searched. A model keeps the segmented text in a ``TextField`` (the "search
document", rebuilt by the model's service on every write):

* on PostgreSQL the document is matched with ``to_tsvector('simple', …) @@
  plainto_tsquery('simple', …)`` and ranked; ``gin_index_operation`` adds the GIN index on
  exactly that expression in a migration (and does nothing on other databases);
* on SQLite (the embedded demo) every query term must occur in the document (``icontains``).

A big table (100,000 job posts) also stores the vector itself: ``search_vector_field()`` is a
generated column the database keeps in step with the document, indexed with
``gin_index_operation(..., expression=False)``. Matching and ranking then read the stored
vector instead of segmenting every matching row's document again for ``ts_rank``.

Both paths AND the terms of the query, so results agree between the two databases.
"""

from __future__ import annotations

import re
import unicodedata

import rjieba
from django.contrib.postgres.search import SearchVectorField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, migrations, models
from django.db.models import F, Func, Q, QuerySet

#: A token is kept only if it holds a letter or a digit (punctuation and spaces go).
_WORD = re.compile(r"\w", re.UNICODE)
#: Particles that carry no meaning in a query ("的" in "竞业限制的问题").
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "在", "是", "吗", "呢", "啊", "吧", "把", "被", "也", "都"]
)
MAX_QUERY_TERMS = 12
MAX_QUERY_LENGTH = 100


def _normalise(text: str) -> str:
    # Full-width letters and digits (ＡＢＣ１２３) become ASCII; case is folded.
    return unicodedata.normalize("NFKC", text or "").lower()


def _keep(token: str) -> bool:
    token = token.strip()
    return bool(token) and bool(_WORD.search(token)) and token not in STOP_WORDS


def search_document(*parts: str | None) -> str:
    """The text to store for ``parts`` (title, body…): search-mode segmentation, so a long
    word is also indexed by its shorter words ("劳动合同" → 劳动 合同 劳动合同)."""
    tokens: list[str] = []
    for part in parts:
        if part:
            tokens.extend(t.strip() for t in rjieba.cut_for_search(_normalise(part)) if _keep(t))
    return " ".join(tokens)


def search_terms(query: str) -> list[str]:
    """The distinct terms of a user's query, in order; empty for blank or punctuation."""
    query = _normalise(query)[:MAX_QUERY_LENGTH]
    terms: list[str] = []
    for token in rjieba.cut(query):
        token = token.strip()
        if not _keep(token):
            continue
        # A compound the query keeps whole ("劳动合同") may be split differently inside a
        # longer document word ("劳动合同法" → 劳动 / 合同法), so ask for its shorter words,
        # which search-mode indexing always stores.
        shorter = [t for t in rjieba.cut_for_search(token) if t != token and _keep(t)]
        for term in shorter or [token]:
            if term not in terms:
                terms.append(term)
    return terms[:MAX_QUERY_TERMS]


class ChineseJSONEncoder(DjangoJSONEncoder):
    """For a ``JSONField`` of Chinese words filtered with ``icontains`` (a résumé's titles,
    skills, certificates): the JSON keeps the characters as they are. Django's default
    escapes them (``"\\u8d27\\u8fd0"``), which PostgreSQL's jsonb undoes but SQLite, storing
    the text, does not: a search for 货运 found nothing in the embedded demo."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


class DocumentVector(Func):
    """The stored search vector of a document column.

    PostgreSQL: exactly the expression of the expression GIN index (``to_tsvector`` with
    the ``simple`` configuration: the document is already segmented). SQLite keeps a copy of
    the document, which nothing reads: its search is ``icontains`` on the document.
    """

    template = "to_tsvector('simple'::regconfig, COALESCE(%(expressions)s, ''::text))"
    output_field = SearchVectorField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="COALESCE(%(expressions)s, '')")


def search_vector_field(document: str = "search_document") -> models.GeneratedField:
    """A stored generated column holding ``document``'s search vector (see the module doc)."""
    return models.GeneratedField(
        expression=DocumentVector(document),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )


def search_filter(
    queryset: QuerySet,
    *,
    query: str,
    field: str = "search_document",
    vector_field: str | None = None,
    rank: bool = True,
) -> QuerySet:
    """``queryset`` narrowed to rows whose ``field`` matches every term of ``query``.

    A query without terms matches nothing. On PostgreSQL the rows are annotated with
    ``search_rank`` and, if ``rank``, ordered by it (best first). ``vector_field`` names the
    model's ``search_vector_field()`` of ``field``, read instead of computing the vector.
    """
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    if _is_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = F(vector_field) if vector_field else SearchVector(field, config="simple")
        search_query = SearchQuery(" ".join(terms), config="simple", search_type="plain")
        queryset = (
            queryset.alias(_search_vector=vector)
            .filter(_search_vector=search_query)
            .annotate(search_rank=SearchRank(F("_search_vector"), search_query))
        )
        return queryset.order_by("-search_rank", "-pk") if rank else queryset
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{field}__icontains": term})
    queryset = queryset.filter(condition)
    # No rank without PostgreSQL: newest first, so paginated results stay stable.
    return queryset if queryset.ordered else queryset.order_by("-pk")


def _gin_sql(table: str, column: str, name: str, *, expression: bool = True) -> tuple[str, str]:
    # The expression is the one SearchVector(column, config="simple") compiles to, so the
    # planner can use the index for search_filter's match; a stored vector is indexed as is.
    indexed = (
        f"to_tsvector('simple'::regconfig, COALESCE(\"{column}\", ''::text))"
        if expression
        else f'"{column}"'
    )
    create = f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({indexed})'
    return create, f'DROP INDEX IF EXISTS "{name}"'


def gin_index_operation(
    *, table: str, column: str, name: str, expression: bool = True, drop: bool = False
) -> migrations.RunPython:
    """A migration operation adding (or, with ``drop``, removing) a full-text GIN index on
    PostgreSQL only: over the document's vector expression, or over a stored vector column
    with ``expression=False``."""
    create, remove = _gin_sql(table, column, name, expression=expression)
    if drop:
        create, remove = remove, create

    def forwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create)

    def backwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(remove)

    return migrations.RunPython(forwards, backwards, elidable=False)
