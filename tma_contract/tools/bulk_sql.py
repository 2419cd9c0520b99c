# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Many rows in one statement: the suite's bulk ``INSERT`` and ``UPDATE``.

A batch of thousands of rows (the SLA timers of new tickets, the planned
deadlines of timers, the due dates of preventive plans) goes to PostgreSQL
as one statement whose parameters are one array per column, whatever the
batch's size: :func:`unnest` is the one encoder, :func:`insert_rows` and
:func:`update_rows` the two statements built on it.

What the ORM does after its own writes is done here by hand, through the
host's private internals, and only here (the callers import these
functions): :func:`create_rows` fills the record cache as ``create`` would,
:func:`update_rows` and :func:`mark_updated` invalidate and mark the records
modified as ``write`` would.

Private internals used (Odoo 18.0), what ``test_host_internals`` pins, and
what to check when porting to 19.0:

- ``Field.column_type`` (``(name, SQL type)``) and ``Field.convert_to_column``
  (``value, record``), ``Field.convert_to_cache``; ``Float._digits`` (the
  name of a decimal precision, or digits) and ``Float.get_digits``, whose
  rounding :func:`column_values` and :func:`_fill_cache` apply;
- ``env.cache.update(records, field, values)``: the record cache, filled
  after the insert (19.0 moves the cache into the field's ``_cache``
  mapping per environment: rewrite :func:`_fill_cache`);
- ``registry.field_inverses`` and ``Many2one._update_inverses(records,
  value)``: the one2many of the parents see the new rows in their cache;
- ``BaseModel.modified(fnames, create=True)``, ``env.remove_to_compute``,
  ``BaseModel._validate_fields``: the recomputations and constraints a
  create triggers, the stored related fields the caller gave left alone;
- ``models.LOG_ACCESS_COLUMNS``, and ``BaseModel.create`` / ``_create``
  compared with the model's own: a model whose creation another module
  overrides goes through the ORM instead (:func:`can_create_rows`), unless
  the caller does that override's work itself and names it (the ledger's
  engine for its entries).
"""

from collections import defaultdict
from datetime import date, datetime

from odoo import models
from odoo.tools import SQL, float_repr, float_round

# The kinds of fields whose column values :func:`array_literal` writes.
ARRAY_FIELD_TYPES = (
    "boolean",
    "char",
    "date",
    "datetime",
    "float",
    "integer",
    "many2one",
    "selection",
    "text",
)


def array_literal(values):
    """The text of a PostgreSQL array of ``values`` (column values: None,
    booleans, numbers, strings, dates and datetimes), to be cast to the
    column's array type: one parameter for a whole column of a batch."""
    items = []
    for value in values:
        if value is None:
            items.append("NULL")
        elif isinstance(value, bool):
            items.append("t" if value else "f")
        elif isinstance(value, int | float):
            items.append(repr(value))
        elif isinstance(value, datetime | date | str):
            text = str(value).replace("\\", "\\\\").replace('"', '\\"')
            items.append(f'"{text}"')
        else:
            raise TypeError(f"No array literal for {value!r}")
    return "{" + ",".join(items) + "}"


def float_scales(model, fnames):
    """``{name: scale}`` of the float fields among ``fnames`` (``None``: not
    rounded), each decimal precision asked once: what
    ``Float.convert_to_column`` and ``convert_to_cache`` round to."""
    scales, by_digits = {}, {}
    for fname in fnames:
        field = model._fields[fname]
        if field.type != "float" or field.company_dependent:
            continue
        key = field._digits if isinstance(field._digits, str) else fname
        if key not in by_digits:
            digits = field.get_digits(model.env)
            by_digits[key] = digits[1] if digits else None
        scales[fname] = by_digits[key]
    return scales


def column_values(field, record, values, scales=None):
    """The column values of ``field`` for ``values`` (as given to
    ``create``): ids and booleans directly, floats rounded to their scale
    (:func:`float_scales`, given or asked), the other kinds through the
    field's own conversion."""
    if field.type == "many2one":
        return [int(value) if value else None for value in values]
    if field.type == "boolean":
        return [bool(value) for value in values]
    if field.type == "float" and not field.company_dependent:
        if scales is None:
            scales = float_scales(record, [field.name])
        scale = scales[field.name]
        if scale is None:
            return [float(value or 0.0) for value in values]
        return [
            float_repr(float_round(float(value or 0.0), precision_digits=scale), scale)
            for value in values
        ]
    return [field.convert_to_column(value, record) for value in values]


def column_array_literal(field, record, values):
    """:func:`array_literal` of the column values of ``field`` for
    ``values`` (as given to ``create``), see :func:`column_values`."""
    return array_literal(column_values(field, record, values))


def unnest(model, alias, fnames, rows):
    """``unnest(...) AS alias(fnames)``: ``rows`` (dicts of values of
    ``model``'s fields ``fnames``, as given to ``create``; ``id`` included)
    as a table to select from, one array parameter per column, cast to the
    column's type."""
    columns = [model._fields[fname] for fname in fnames]
    return SQL(
        "unnest(%s) AS %s(%s)",
        SQL(", ").join(
            SQL(
                "%s::%s[]",
                column_array_literal(field, model, [row[field.name] for row in rows]),
                SQL(field.column_type[1]),
            )
            for field in columns
        ),
        SQL.identifier(alias),
        SQL(", ").join(SQL.identifier(fname) for fname in fnames),
    )


def insert_rows(model, rows, scales=None):
    """``INSERT`` ``rows`` (dicts with the same keys: complete column values)
    into ``model``'s table in one statement; the ids, in the rows' order.
    ``scales``: those of the float columns (:func:`float_scales`), if known."""
    fnames = sorted(rows[0])
    if len(rows) == 1:
        # One row (a ledger's entry): its values, without the arrays.
        if scales is None:
            scales = float_scales(model, fnames)
        values = SQL(
            "VALUES %s",
            tuple(
                column_values(model._fields[fname], model, [rows[0][fname]], scales)[0]
                for fname in fnames
            ),
        )
    else:
        values = SQL("SELECT * FROM %s", unnest(model, "r", fnames, rows))
    model.env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) %s RETURNING id",
            SQL.identifier(model._table),
            SQL(", ").join(SQL.identifier(fname) for fname in fnames),
            values,
        )
    )
    return [row[0] for row in model.env.cr.fetchall()]


def update_rows(model, rows):
    """Write per-record values, ``{record or id: {field: value}}``, in one
    ``UPDATE`` per set of fields written (one for the whole batch, usually),
    with the log-access columns; the records are then invalidated and marked
    modified as after an ORM ``write`` (:func:`mark_updated`). For models
    without ``write`` override, or whose override the caller stands for."""
    groups = defaultdict(dict)
    for record, vals in rows.items():
        if vals:
            groups[tuple(sorted(vals))][int(record)] = vals
    if not groups:
        return
    env = model.env
    env.flush_all()
    for fnames, by_id in groups.items():
        table = [{"id": i, **vals} for i, vals in by_id.items()]
        env.cr.execute(
            SQL(
                "UPDATE %s t SET %s, write_uid = %s, write_date = %s "
                "FROM %s WHERE t.id = v.id",
                SQL.identifier(model._table),
                SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(f), SQL.identifier(f))
                    for f in fnames
                ),
                env.uid,
                env.cr.now(),
                unnest(model, "v", ["id", *fnames], table),
            )
        )
        mark_updated(model.browse(list(by_id)), [*fnames, "write_uid", "write_date"])


def mark_updated(records, fnames, standing=()):
    """After an ``UPDATE`` of ``fnames`` of ``records`` in SQL: forget their
    cached values and mark what depends on them to recompute, as an ORM
    ``write`` does. ``standing``: stored computed fields of the records the
    caller knows did not change (their recomputation, which would read the
    rows again, is dropped)."""
    records.invalidate_recordset(list(fnames))
    records.modified(list(fnames))
    for fname in standing:
        records.env.remove_to_compute(records._fields[fname], records)


def can_create_rows(model, vals_list, override=None):
    """Whether :func:`create_rows` may create ``vals_list``: the model's
    creation is the ORM's own (no module overrides ``create`` or
    ``_create``) or ``override``'s (a class of the model whose ``create``
    the caller does the work of, no other module overriding it), the rows
    all give the same fields."""
    cls = type(model)
    given = set(vals_list[0])
    creates = (models.BaseModel.create, override.create if override else None)
    return (
        cls.create in creates
        and cls._create is models.BaseModel._create
        and all(vals.keys() == given for vals in vals_list)
    )


def create_rows(model, vals_list, override=None):
    """Create records of ``model`` from ``vals_list`` in one ``INSERT``, the
    record cache filled as after an ORM ``create``: the defaults asked once
    for the batch (not at all when the rows give every column), the values
    given (related stored fields included) not computed again, the one2many
    of their parents up to date, the computed fields of other modules marked
    to compute, the constraints checked. ``override``: see
    :func:`can_create_rows`.

    Returns ``None`` when the rows cannot go this way (see
    :func:`can_create_rows`, or a field of a kind :func:`array_literal` does
    not write, or translated): the caller creates them through the ORM."""
    if not can_create_rows(model, vals_list, override):
        return None
    given = set(vals_list[0])
    missing = [
        fname
        for fname, field in model._fields.items()
        if field.store
        and field.column_type
        and fname not in given
        and fname not in models.LOG_ACCESS_COLUMNS
        and fname != "id"
    ]
    defaults = model.default_get(missing) if missing else {}
    env = model.env
    now = env.cr.now()
    access = dict.fromkeys(("create_uid", "write_uid"), env.uid)
    access.update(dict.fromkeys(("create_date", "write_date"), now))
    rows = [{**defaults, **vals, **access} for vals in vals_list]
    fnames = sorted(rows[0])
    if any(
        model._fields[fname].type not in ARRAY_FIELD_TYPES
        or model._fields[fname].translate
        for fname in fnames
    ):
        return None
    env.flush_all()
    scales = float_scales(model, fnames)
    records = model.browse(insert_rows(model, rows, scales))
    _fill_cache(records, fnames, rows, scales)
    # Computed fields of other modules are computed as after a create;
    # the related ones given in the rows are not computed again.
    records.modified(model._fields, create=True)
    for fname in fnames:
        if model._fields[fname].compute:
            env.remove_to_compute(model._fields[fname], records)
    records._validate_fields(fnames)
    return records


def _fill_cache(records, fnames, rows, scales):
    """Put the inserted ``rows`` in the cache of ``records`` (in order), and
    the new records in the cached one2many of the parents they name
    (``scales``: :func:`float_scales` of ``fnames``)."""
    model = records.browse()
    cache = records.env.cache
    for fname in fnames:
        field = model._fields[fname]
        values = [r[fname] for r in rows]
        if fname in scales:
            # Float.convert_to_cache, its scale asked once.
            scale = scales[fname]
            values = [float(value or 0.0) for value in values]
            if scale is not None:
                values = [float_round(v, precision_digits=scale) for v in values]
        else:
            values = [field.convert_to_cache(value, model) for value in values]
        cache.update(records, field, values)
    # As ``_create`` does: the stored fields the rows do not give are empty
    # (never read again), and so are the x2many (new rows have no children).
    given = {"id", *fnames}
    for field in model._fields.values():
        if field.type in ("one2many", "many2many"):
            cache.update(records, field, [()] * len(records))
        elif field.store and field.column_type and not field.compute:
            if field.name not in given:
                empty = field.convert_to_cache(None, model)
                cache.update(records, field, [empty] * len(records))
    for fname in fnames:
        field = model._fields[fname]
        if field.type != "many2one" or not model.pool.field_inverses[field]:
            continue
        by_value = defaultdict(list)
        for record, row in zip(records, rows, strict=True):
            by_value[row[fname] or None].append(record.id)
        for value, ids in by_value.items():
            field._update_inverses(model.browse(ids), value)
