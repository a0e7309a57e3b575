"""The small Parquet writer, read back by pyarrow: types, nulls, exact decimals, determinism."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from orgair.parquet import Column, write_parquet

COLUMNS = (
    Column("name", "string", nullable=False),
    Column("note", "string", nullable=True),
    Column("cost", "decimal", nullable=False, scale=6),
    Column("tokens", "decimal", nullable=True, scale=0),
    Column("at", "timestamp", nullable=False),
)


def rows(count: int) -> list[tuple[str | int | None, ...]]:
    return [
        (
            f"row-{index}-é✓",
            None if index % 3 == 0 else f"note {index}",
            index * 1_000_001 - 5_000_000,
            None if index % 5 == 0 else index * 10**12,
            1_772_409_600_000 + index * 1000,
        )
        for index in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 14, 15, 1000])
def test_pyarrow_reads_back_every_value_with_its_type(count: int) -> None:
    table = pq.read_table(pa.BufferReader(write_parquet(COLUMNS, rows(count))))

    assert table.num_rows == count
    assert table.schema.field("name").type == pa.string()
    assert table.schema.field("cost").type == pa.decimal128(18, 6)
    assert table.schema.field("at").type == pa.timestamp("ms", tz="UTC")
    assert not table.schema.field("name").nullable
    assert table.schema.field("note").nullable
    for written, read in zip(rows(count), table.to_pylist(), strict=True):
        assert read["name"] == written[0]
        assert read["note"] == written[1]
        assert read["cost"] == Decimal(str(written[2])) / 10**6
        assert read["tokens"] == (None if written[3] is None else Decimal(str(written[3])))
        assert read["at"] == datetime.fromtimestamp(int(str(written[4])) / 1000, tz=UTC)


def test_the_same_rows_give_the_same_bytes() -> None:
    assert write_parquet(COLUMNS, rows(50)) == write_parquet(COLUMNS, rows(50))


def test_a_null_in_a_required_column_or_a_wrong_type_is_refused() -> None:
    with pytest.raises(ValueError, match="null in a required column"):
        write_parquet(COLUMNS, [(None, None, 1, 1, 1)])
    with pytest.raises(TypeError, match="holds int"):
        write_parquet(COLUMNS, [("a", None, "1.0", 1, 1)])
