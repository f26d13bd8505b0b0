"""The two writes every case transition makes, with the ORM's SQL compiled once.

``fire()`` writes the case row (guarded by the state it was loaded in, as django-fsm's
``ConcurrentTransitionMixin`` does) and ``audit.record()`` inserts one entry. Through
``Model.save()`` each of these rebuilds a query, recompiles it and walks the model's
fields on every call: about a millisecond of Python per transition, more than the
database spends on both statements. Here the statement is compiled by Django's own
compilers the first time a shape is seen (per database alias, model and set of columns)
and reused; the values are prepared on every call exactly as ``Model.save()`` prepares
them (``field.pre_save`` — so ``auto_now`` still stamps — then ``get_db_prep_save``).

The rows written are the ones ``Model.save()`` would write: an UPDATE of every loaded
(non-deferred) column, an INSERT of every column with the primary key returned.
tests/counterhall/test_rowwrites.py runs both paths side by side and compares the SQL
executed.

Where the shortcut would skip something ``Model.save()`` does, the write goes through
``save()``: a ``pre_save``/``post_save`` receiver for the model, a model with parents
(multi-table inheritance), generated or database-default columns (``direct_writes()`` is
false), a value that is an expression, or a backend that cannot return the inserted key.
As in ``save_base()``, an error marks the enclosing atomic block for rollback.

What it does not replay: a model's own ``save()`` override and the check for unsaved
related objects. It is used for ``Case`` (whose ``save()`` is django-fsm's, replayed by
``fire()``: a test pins it) and ``AuditEntry`` (whose ``save()`` only refuses updates).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import Q, signals
from django.db.models.sql import InsertQuery, UpdateQuery


def direct_writes(model) -> bool:
    """May this model's rows be written here rather than through ``Model.save()``?"""
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        return False  # receivers can be connected at any time: asked on every write
    return _plain_table(model)


@functools.cache
def _plain_table(model) -> bool:
    meta = model._meta
    if meta.parents or meta.proxy:
        return False
    return not any(
        f.generated or f.has_db_default() or hasattr(f, "get_placeholder")
        for f in meta.local_concrete_fields
    )


@dataclass(frozen=True)
class _Update:
    sql: str
    where: tuple  # (field, name) of the WHERE equalities before the primary key, in order


@dataclass(frozen=True)
class _Insert:
    sql: str
    returning_params: tuple


# Compiled statements per process. A model's UPDATE shapes are few in practice (which
# columns are loaded, which are NULL), but nothing bounds them, so past this many the
# statement is compiled for the call and not kept.
MAX_SHAPES = 256
_updates: dict[tuple, _Update] = {}
_inserts: dict[tuple, _Insert] = {}


def _lookup_param(field, value, connection):
    # What an exact lookup binds: get_prep_value, then get_db_prep_value(prepared=True).
    return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)


def update_loaded(obj, *, where: dict) -> int | None:
    """UPDATE the row of ``obj`` with every loaded column (what ``obj.save()`` writes;
    for an instance with deferred fields, the loaded ones), only if the row still matches
    ``where`` besides its primary key. Returns the number of rows updated (0: the row is
    gone or no longer matches), or None without writing anything when the write needs
    ``Model.save()`` (see the module's docstring; also an unsaved object, or a None in
    ``where``, which would compile to ``IS NULL``)."""
    model = type(obj)
    if obj.pk is None or None in where.values() or not direct_writes(model):
        return None
    meta = model._meta
    using = obj._state.db or router.db_for_write(model, instance=obj)
    connection = connections[using]
    deferred = obj.get_deferred_fields()
    values = [
        (f, None, f.pre_save(obj, False))
        for f in meta.local_concrete_fields
        if not f.primary_key and not f.generated and f.attname not in deferred
    ]
    if any(hasattr(v, "resolve_expression") for _f, _m, v in values):
        return None  # save() compiles it into the SQL and reads the result back
    prepared = [f.get_db_prep_save(v, connection) for f, _m, v in values]
    # The compiler writes ``col = NULL`` for a None, so which values are None is part of
    # the statement's shape.
    key = (
        using,
        meta.label,
        tuple((f.attname, p is None) for (f, _m, _v), p in zip(values, prepared, strict=True)),
        tuple(where),
    )
    statement = _updates.get(key)
    if statement is None:
        compiler = _update_query(model, values, obj.pk, where).get_compiler(using)
        sql, _params = compiler.as_sql()
        statement = _Update(sql=sql, where=tuple((meta.get_field(name), name) for name in where))
        if len(_updates) < MAX_SHAPES:
            _updates[key] = statement
    params = [p for p in prepared if p is not None]
    params.extend(_lookup_param(field, where[name], connection) for field, name in statement.where)
    params.append(_lookup_param(meta.pk, obj.pk, connection))
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        return cursor.rowcount


def _update_query(model, values, pk, where: dict) -> UpdateQuery:
    # The WHERE as ConcurrentTransitionMixin's save() builds it: its state filter, then
    # the primary key; one by one, since Q(**kwargs) would sort them.
    query = UpdateQuery(model)
    query.add_update_fields(values)
    for name, value in where.items():
        query.add_q(Q(**{name: value}))
    query.add_q(Q(pk=pk))
    return query


def insert(obj) -> None:
    """INSERT a new ``obj`` (every column, the key left to the database) and set its
    primary key from the row returned: ``obj.save(force_insert=True)``, which it falls
    back to when the model or the database needs it, or a value is an expression."""
    model = type(obj)
    meta = model._meta
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    if not (connection.features.can_return_columns_from_insert and direct_writes(model)):
        obj.save(force_insert=True, using=using)
        return
    fields = _insert_fields(model)
    values = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        obj.save(force_insert=True, using=using)  # compiled into the SQL: not cacheable
        return
    key = (using, meta.label)
    statement = _inserts.get(key)
    if statement is None:
        query = InsertQuery(model)
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(using)
        compiler.returning_fields = [meta.pk]
        ((sql, _params),) = compiler.as_sql()
        statement = _inserts[key] = _Insert(
            sql=sql, returning_params=tuple(compiler.returning_params)
        )
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    params.extend(statement.returning_params)
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        ((pk,),) = connection.ops.fetch_returned_rows(cursor, statement.returning_params)
    setattr(obj, meta.pk.attname, meta.pk.to_python(pk))
    obj._state.adding = False
    obj._state.db = using


@functools.cache
def _insert_fields(model) -> tuple:
    # Every column but the automatic key, in the order Model.save() inserts them.
    return tuple(f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field)
