"""The schema has one definition (`data.tables`, Core); the ORM classes of `data.schema` are mapped
onto it. Their annotations are for type checkers only, so a column added to a table but not to
its class, a typo, or a nullable column annotated as never-null would go unnoticed: held here."""

from __future__ import annotations

from typing import get_type_hints

from data import schema, tables


def mapped_classes() -> list[type[schema.Base]]:
    return [m.class_ for m in schema.Base.registry.mappers]


def test_every_table_has_one_class_with_its_columns_annotated() -> None:
    classes = mapped_classes()
    assert sorted(c.__table__.name for c in classes) == sorted(tables.metadata.tables)
    for cls in classes:
        table = tables.metadata.tables[cls.__table__.name]
        assert cls.__table__ is table and cls.__tablename__ == table.name, cls.__name__
        hints = get_type_hints(cls, vars(schema))
        annotated = [name for name in cls.__annotations__ if name != "__table__"]
        assert annotated == [c.name for c in table.columns], cls.__name__
        for column in table.columns:
            optional = type(None) in getattr(hints[column.name].__args__[0], "__args__", ())
            assert optional == (column.nullable and not column.primary_key), (
                f"{cls.__name__}.{column.name}: annotated optional={optional}, "
                f"nullable={column.nullable}"
            )


def test_the_orm_metadata_is_the_core_one() -> None:
    assert schema.metadata is tables.metadata
