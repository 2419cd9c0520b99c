# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Several ``search_fetch`` in one round trip to the database.

A page made of many short lists (the portal's contract page) pays one query
per list. :func:`search_fetch_many` builds each list's query with the ORM
(``_search``: the domain, the active filter, the record rules of the
recordset's user, its order, limit and offset; the column expressions of
``_fetch_query``, translations included), runs them as the columns of a
single ``SELECT``, each list as a JSON array in its order, and puts the
values in the cache as ``search_fetch`` does: what a record shows afterwards
is exactly what ``search_fetch`` would have read.

A list may also be an ``SQL`` expression of one JSON value (an aggregate the
page shows beside its records): it comes back decoded, in the same query.

Private internals used (Odoo 18.0), pinned by ``tests/test_host_internals``
and ``tests/test_fetch`` (which compares every value with ``search_fetch``'s);
what to check when porting to 19.0:

- ``BaseModel._search(domain, offset, limit, order)`` returning a ``Query``
  (``is_empty``, ``select``): the ORM's own query, record rules included;
- ``BaseModel._determine_fields_to_fetch(field_names)``: the fields
  ``search_fetch`` would read (prefetch groups, access to fields);
- ``BaseModel._field_to_sql(alias, fname, query, flush)``: each column's
  expression (translated fields in the user's language);
- ``Query.groupby`` (set by :func:`sum_by`) and ``Query.select``;
- ``env.cache.insert_missing(records, field, values)``: the values put in
  the cache as ``_fetch_query`` puts them (19.0 reworks the cache: the
  fields' own ``_insert_cache`` may replace it).
"""

from odoo import fields as odoo_fields
from odoo.tools import SQL


def _field_terms(model, field_names, query):
    """The fields to fetch and their SQL expressions (JSON-safe: datetimes as
    text in the ORM's format, the rest as PostgreSQL renders them)."""
    fields = [
        field
        for field in model._determine_fields_to_fetch(field_names)
        if field.name != "id"
    ]
    terms = [SQL.identifier(model._table, "id")]
    for field in fields:
        if not field.column_type or field.type == "binary":
            raise ValueError(f"{field} cannot be fetched with search_fetch_many")
        sql = model._field_to_sql(
            model._table, field.name, query, flush=field.translate
        )
        if field.type == "datetime":
            sql = SQL("to_char(%s, 'YYYY-MM-DD HH24:MI:SS')", sql)
        terms.append(sql)
    return fields, terms


def _from_json(field, value):
    """``value`` as psycopg2 would have returned the column."""
    if value is None:
        return None
    if field.type == "date":
        return odoo_fields.Date.to_date(value)
    if field.type == "datetime":
        return odoo_fields.Datetime.to_datetime(value)
    if field.type in ("float", "monetary"):
        return float(value)
    return value


def search_fetch_many(requests):
    """Run several ``search_fetch`` in one query.

    :param requests: ``{key: (recordset, domain, field_names, options)}``;
        ``options`` is a dict of ``search_fetch``'s ``order``, ``limit`` and
        ``offset`` (may be empty). Each recordset carries its environment:
        use ``sudo()`` exactly where ``search_fetch`` would have. A request
        may instead be an ``SQL`` expression of one JSON value (build it with
        the ORM's ``_search`` or keep the filters of the ORM domain it
        replaces: nothing here applies access rules to it).
    :return: ``{key: records}``, each like ``recordset.search_fetch(domain,
        field_names, **options)``, or the decoded JSON value of an ``SQL``
        request.
    """
    result = {}
    plans = []
    columns = []
    for key, request in requests.items():
        if isinstance(request, SQL):
            columns.append(request)
            plans.append((key, None, None))
            continue
        model, domain, field_names, options = request
        options = options or {}
        query = model._search(
            domain,
            offset=options.get("offset", 0),
            limit=options.get("limit"),
            order=options.get("order") or model._order,
        )
        if query.is_empty():
            result[key] = model.browse()
            continue
        fields, terms = _field_terms(model, field_names, query)
        row = SQL("json_build_array(%s)", SQL(", ").join(terms))
        # An ARRAY of a subquery keeps the subquery's order.
        columns.append(SQL("ARRAY(%s)", query.select(row)))
        plans.append((key, model, fields))
    if not plans:
        return result
    env = next((model.env for _k, model, _f in plans if model is not None), None)
    if env is None:
        raise ValueError("search_fetch_many needs at least one recordset request")
    (row,) = env.execute_query(SQL("SELECT %s", SQL(", ").join(columns)))
    for (key, model, fields), rows in zip(plans, row, strict=True):
        if model is None:
            result[key] = rows
            continue
        records = model.browse([r[0] for r in rows])
        for index, field in enumerate(fields, start=1):
            env.cache.insert_missing(
                records, field, [_from_json(field, r[index]) for r in rows]
            )
        result[key] = records
    return result


def sum_by(model, domain, group_fname, sum_fname):
    """An ``SQL`` request of :func:`search_fetch_many`: the sum of
    ``sum_fname`` of ``model``'s records matching ``domain`` (record rules of
    the recordset's user included), grouped by ``group_fname``; it comes back
    as ``[[group value, sum], ...]`` (one row per group, ``_read_group``'s
    figures in one column of the page's query)."""
    query = model._search(domain)
    query.groupby = model._field_to_sql(model._table, group_fname, query)
    row = SQL(
        "json_build_array(%s, SUM(%s))",
        query.groupby,
        model._field_to_sql(model._table, sum_fname, query),
    )
    return SQL("ARRAY(%s)", query.select(row))
