"""Spark SQL over HiveServer2 (Spark Thrift Server, Kyuubi) for SQLAlchemy: `spark+pyhive://`.

A thin subclass of PyHive's Hive dialect (requirements-spark.txt). The metrics are SQLAlchemy Core
written for DuckDB and PostgreSQL; each difference Spark needs is handled here, one comment each,
so that no statement of the product is built differently for Spark and DuckDB's and PostgreSQL's
statements stay exactly as they are (issue 16).

    WEALTH_FACTS_URL=spark+pyhive://host:10000/wealth
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from pyhive.sqlalchemy_hive import HiveCompiler, HiveDialect, HiveTypeCompiler
from sqlalchemy import types
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.type_api import NativeForEmulated


def spark_literal(value: Any) -> str:
    """A Python value as a typed Spark SQL literal.

    Why not PyHive's own parameter escaping: it sends dates and timestamps as plain strings
    (compared as strings or cast by Spark's rules), Decimals not at all, and floats without a
    type; typed literals keep every comparison and sum of the same type as on DuckDB."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # `1.50BD` is DECIMAL(3,2); a plain `1.50` would be one too, but `1E+2` would be a DOUBLE.
        if not value.is_finite():
            raise ValueError(f"no Spark literal for {value}")
        return f"{value:f}BD"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"CAST('{value}' AS DOUBLE)"
        return f"{value!r}D"  # a bare 0.5 is a DECIMAL in Spark; D makes it the DOUBLE it is
    if isinstance(value, dt.datetime):
        # Timestamps are wall-clock times without zone (contract): TIMESTAMP_NTZ, never shifted
        # by the session's time zone as a plain TIMESTAMP would be.
        return f"TIMESTAMP_NTZ '{value.replace(tzinfo=None).isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, dt.timedelta):
        # A day-time interval; microseconds keep sub-second parts exact.
        micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        return f"INTERVAL '{micros / 1_000_000:f}' SECOND"
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    if isinstance(value, str):
        # Spark string literals take backslash escapes: a backslash must be doubled, and a
        # quote escaped, or a value like `C:\new` or `O'Brien` would change or end the literal.
        escaped = value.replace("\\", "\\\\").replace("'", "\\'")
        return f"'{escaped}'"
    raise TypeError(f"no Spark literal for {type(value).__name__}")


class _FromText(types.TypeDecorator[Any]):
    """Result values HiveServer2 sends as text, turned into what DuckDB and PostgreSQL return."""

    cache_ok = True

    def parse(self, value: str) -> Any:
        raise NotImplementedError

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        def process(value: Any) -> Any:
            return self.parse(value) if isinstance(value, str) else value

        return process


class _SparkDate(_FromText):
    # DATE values arrive as 'YYYY-MM-DD' strings.
    impl = types.Date

    def parse(self, value: str) -> Any:
        return dt.date.fromisoformat(value)


class _SparkTimestamp(_FromText):
    # TIMESTAMP_NTZ values arrive as 'YYYY-MM-DD HH:MM:SS[.ffffff]' strings.
    impl = types.DateTime

    def parse(self, value: str) -> Any:
        return dt.datetime.fromisoformat(value)


class _SparkDecimal(_FromText):
    # DECIMAL values arrive as strings; an exact Decimal as on the other backends (a Float
    # column asks for a float).
    impl = types.Numeric

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        as_float = not getattr(self, "asdecimal", True)

        def process(value: Any) -> Any:
            if value is None:
                return None
            if as_float:
                return float(value)
            return value if isinstance(value, Decimal) else Decimal(str(value))

        return process


class _SparkFloat(_FromText):
    # DOUBLE values arrive as floats, but a Float-typed expression over DECIMALs (a ratio) as
    # a decimal string: a float either way.
    impl = types.Float

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        def process(value: Any) -> Any:
            return None if value is None else float(value)

        return process


class _SparkInterval(NativeForEmulated, sqltypes._AbstractInterval):
    # SQLAlchemy binds an Interval on a dialect without one as a datetime after 1970-01-01;
    # Spark has day-time intervals, so the timedelta is kept and sent as an INTERVAL literal.
    __visit_name__ = "INTERVAL"
    native = True

    @classmethod
    def adapt_emulated_to_native(cls, impl: Any, **kw: Any) -> Any:
        return cls()

    @property
    def _type_affinity(self) -> Any:
        return sqltypes.Interval

    @property
    def python_type(self) -> type:
        return dt.timedelta


class SparkTypeCompiler(HiveTypeCompiler):
    def visit_INTERVAL(self, type_: Any, **kw: Any) -> str:
        return "INTERVAL DAY TO SECOND"

    def visit_NUMERIC(self, type_: Any, **kw: Any) -> str:
        # A bare DECIMAL is DECIMAL(10,0) in Spark: casts would drop every fraction.
        if type_.precision is None:
            return "DECIMAL(38,18)"
        return f"DECIMAL({type_.precision},{type_.scale or 0})"

    def visit_DECIMAL(self, type_: Any, **kw: Any) -> str:
        return self.visit_NUMERIC(type_, **kw)

    def visit_DATE(self, type_: Any, **kw: Any) -> str:
        # Hive's dialect turns DATE into TIMESTAMP; a day is a DATE here as on the other backends.
        return "DATE"

    def visit_DATETIME(self, type_: Any, **kw: Any) -> str:
        # Wall-clock times without zone (contract): TIMESTAMP_NTZ, not the session-zoned TIMESTAMP.
        return "TIMESTAMP_NTZ"

    def visit_TIMESTAMP(self, type_: Any, **kw: Any) -> str:
        return "TIMESTAMP_NTZ"

    def visit_FLOAT(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"  # Spark's FLOAT is single precision; the other backends' is double

    def visit_DOUBLE(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"

    def visit_BOOLEAN(self, type_: Any, **kw: Any) -> str:
        return "BOOLEAN"

    def visit_BIGINT(self, type_: Any, **kw: Any) -> str:
        return "BIGINT"


class SparkCompiler(HiveCompiler):
    def visit_extract(self, extract: Any, **kw: Any) -> str:
        # Spark has no EXTRACT(epoch ...): seconds since the epoch from the microseconds.
        # unix_micros takes only a zoned TIMESTAMP, so the TIMESTAMP_NTZ is read in the session's
        # zone (UTC in the tests, as DuckDB reads it); the product only subtracts two epochs,
        # which any zone without daylight saving (Asia/Shanghai) leaves the same.
        if extract.field == "epoch":
            expr = self.process(extract.expr, **kw)
            return f"(unix_micros(CAST({expr} AS TIMESTAMP)) / 1e6)"
        return super().visit_extract(extract, **kw)

    def visit_compound_select(self, cs: Any, asfrom: bool = False, **kw: Any) -> str:
        # Spark's recursive CTEs accept only UNION ALL between the anchor and the step; the
        # product's recursive steps (the org tree) never produce a duplicate row, so the
        # distinct UNION and UNION ALL give the same rows there.
        if kw.get("_spark_recursive") and cs.keyword.name == "UNION":
            from sqlalchemy.sql.selectable import _CompoundSelectKeyword

            cs = cs._generate()
            cs.keyword = _CompoundSelectKeyword.UNION_ALL
        return super().visit_compound_select(cs, asfrom=asfrom, **kw)

    def visit_cte(self, cte: Any, **kw: Any) -> Any:
        if cte.recursive:
            kw["_spark_recursive"] = True
        return super().visit_cte(cte, **kw)

    def _generate_prefixes(self, stmt: Any, prefixes: Any, **kw: Any) -> str:
        # Spark parses no CTE hint (`WITH x AS MATERIALIZED (...)`, which a statement may give
        # DuckDB and PostgreSQL for speed): dropped for a CTE, as Spark plans a CTE its own way;
        # the rows are the same with or without it.
        from sqlalchemy.sql.selectable import CTE

        if isinstance(stmt, CTE):
            prefixes = [
                (prefix, dialect)
                for prefix, dialect in prefixes
                if str(prefix).strip().upper() not in ("MATERIALIZED", "NOT MATERIALIZED")
            ]
        return str(super()._generate_prefixes(stmt, prefixes, **kw))

    def visit_insert(self, *args: Any, **kwargs: Any) -> str:
        # Spark takes the standard INSERT INTO t (columns) VALUES ...; Hive's rewrite drops the
        # column list, which would put values into columns by position.
        return super(HiveCompiler, self).visit_insert(*args, **kwargs)


class SparkDialect(HiveDialect):
    name = "spark"
    driver = "pyhive"
    statement_compiler = SparkCompiler
    type_compiler = SparkTypeCompiler
    type_compiler_cls = SparkTypeCompiler
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> Any:
        # Defined on this class: SQLAlchemy 2 warns about PyHive's older `dbapi` otherwise.
        from pyhive import hive

        return hive

    # Results come back as text for these types (see the _FromText subclasses).
    colspecs = {
        types.Date: _SparkDate,
        types.DateTime: _SparkTimestamp,
        types.Float: _SparkFloat,
        types.Numeric: _SparkDecimal,
        types.Interval: _SparkInterval,
    }

    def do_execute(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        # Parameters are rendered into the statement as typed literals (spark_literal) instead
        # of PyHive's untyped ones; `%` doubled by the pyformat compiler is undoubled here too,
        # which PyHive would skip for a statement without parameters.
        cursor.execute(statement % {k: spark_literal(v) for k, v in (parameters or {}).items()})

    def do_execute_no_params(self, cursor: Any, statement: str, context: Any = None) -> None:
        cursor.execute(statement)

    def do_executemany(
        self, cursor: Any, statement: str, parameters: Any, context: Any = None
    ) -> None:
        for row in parameters:
            self.do_execute(cursor, statement, row, context)
