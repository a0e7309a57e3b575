"""A small Parquet writer: one row group, one PLAIN, uncompressed data page per column.

Enough for the FOCUS export (strings, exact decimals, UTC timestamps, nulls), with no dependency:
pyarrow would add about 100 MB to the export function for what is ~200 lines here. The output is a
pure function of the columns and rows (no timestamps, no writer version), so the same rows give the
same bytes. Format: https://parquet.apache.org/docs/file-format/ — the footer is the Thrift
`FileMetaData` in the compact protocol; definition levels use the RLE/bit-packed hybrid (bit width
1). Tests read the files back with pyarrow (tests/unit/orgair/test_parquet.py).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

MAGIC: Final = b"PAR1"
CREATED_BY: Final = "orgair parquet writer"

ColumnKind = Literal["string", "decimal", "timestamp"]
Value = str | int | None

# parquet.thrift enums
_BYTE_ARRAY, _INT64 = 6, 2
_REQUIRED, _OPTIONAL = 0, 1
_UTF8, _DECIMAL, _TIMESTAMP_MILLIS = 0, 5, 9
_PLAIN, _RLE = 0, 3
_UNCOMPRESSED = 0
_DATA_PAGE = 0
# compact protocol types
_TRUE, _I32, _I64, _BINARY, _LIST, _STRUCT = 1, 5, 6, 8, 9, 12


@dataclass(frozen=True, slots=True)
class Column:
    """A leaf column. `decimal` values are unscaled ints (scale digits); `timestamp` values are
    milliseconds since the epoch, UTC; `string` values are str."""

    name: str
    kind: ColumnKind
    nullable: bool
    scale: int = 0
    precision: int = 18


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)


class _Compact:
    """Thrift compact protocol, just the parts parquet.thrift needs."""

    def __init__(self) -> None:
        self.out = bytearray()
        self._last: list[int] = [0]

    def _field(self, field_id: int, kind: int) -> None:
        delta = field_id - self._last[-1]
        if 0 < delta <= 15:
            self.out.append((delta << 4) | kind)
        else:
            self.out.append(kind)
            self.out += _varint(_zigzag(field_id))
        self._last[-1] = field_id

    def i32(self, field_id: int, value: int) -> None:
        self._field(field_id, _I32)
        self.out += _varint(_zigzag(value))

    def i64(self, field_id: int, value: int) -> None:
        self._field(field_id, _I64)
        self.out += _varint(_zigzag(value))

    def true(self, field_id: int) -> None:
        self._field(field_id, _TRUE)

    def binary(self, field_id: int, value: bytes) -> None:
        self._field(field_id, _BINARY)
        self.out += _varint(len(value)) + value

    def begin(self, field_id: int) -> None:
        self._field(field_id, _STRUCT)
        self._last.append(0)

    def end(self) -> None:
        self.out.append(0)
        self._last.pop()

    def list_header(self, field_id: int, size: int, kind: int) -> None:
        self._field(field_id, _LIST)
        if size < 15:
            self.out.append((size << 4) | kind)
        else:
            self.out.append(0xF0 | kind)
            self.out += _varint(size)

    def list_struct_begin(self) -> None:
        self._last.append(0)

    def empty_struct(self, field_id: int) -> None:
        self.begin(field_id)
        self.end()


def _definition_levels(values: Sequence[Value]) -> bytes:
    """RLE runs of 1 (present) and 0 (null), bit width 1, with the v1 page's 4-byte length prefix."""
    runs = bytearray()
    index = 0
    while index < len(values):
        present = values[index] is not None
        end = index
        while end < len(values) and (values[end] is not None) == present:
            end += 1
        runs += _varint((end - index) << 1) + bytes([1 if present else 0])
        index = end
    return struct.pack("<I", len(runs)) + bytes(runs)


def _plain(column: Column, values: Sequence[Value]) -> bytes:
    present = [value for value in values if value is not None]
    if column.kind == "string":
        if not all(isinstance(value, str) for value in present):
            raise TypeError(f"{column.name}: a string column holds str")
        encoded = [str(value).encode("utf-8") for value in present]
        return b"".join(struct.pack("<I", len(item)) + item for item in encoded)
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in present):
        raise TypeError(f"{column.name}: a {column.kind} column holds int")
    return struct.pack(f"<{len(present)}q", *present)


def _page(column: Column, values: Sequence[Value]) -> bytes:
    if not column.nullable and any(value is None for value in values):
        raise ValueError(f"{column.name}: null in a required column")
    body = (_definition_levels(values) if column.nullable else b"") + _plain(column, values)
    header = _Compact()
    header.i32(1, _DATA_PAGE)
    header.i32(2, len(body))
    header.i32(3, len(body))
    header.begin(5)
    header.i32(1, len(values))
    header.i32(2, _PLAIN)
    header.i32(3, _RLE)
    header.i32(4, _RLE)
    header.end()
    header.out.append(0)
    return bytes(header.out) + body


def _schema_element(footer: _Compact, column: Column) -> None:
    footer.list_struct_begin()
    footer.i32(1, _BYTE_ARRAY if column.kind == "string" else _INT64)
    footer.i32(3, _OPTIONAL if column.nullable else _REQUIRED)
    footer.binary(4, column.name.encode("utf-8"))
    if column.kind == "string":
        footer.i32(6, _UTF8)
        footer.begin(10)
        footer.empty_struct(1)  # LogicalType.STRING
        footer.end()
    elif column.kind == "decimal":
        footer.i32(6, _DECIMAL)
        footer.i32(7, column.scale)
        footer.i32(8, column.precision)
        footer.begin(10)
        footer.begin(5)  # LogicalType.DECIMAL
        footer.i32(1, column.scale)
        footer.i32(2, column.precision)
        footer.end()
        footer.end()
    else:
        footer.i32(6, _TIMESTAMP_MILLIS)
        footer.begin(10)
        footer.begin(8)  # LogicalType.TIMESTAMP
        footer.true(1)  # isAdjustedToUTC
        footer.begin(2)
        footer.empty_struct(1)  # TimeUnit.MILLIS
        footer.end()
        footer.end()
        footer.end()
    footer.end()


def write_parquet(columns: Sequence[Column], rows: Sequence[Sequence[Value]]) -> bytes:
    """The rows (one value per column, in order) as a Parquet file."""
    if not columns:
        raise ValueError("a Parquet file needs at least one column")
    if any(len(row) != len(columns) for row in rows):
        raise ValueError("every row has one value per column")
    out = bytearray(MAGIC)
    chunks: list[tuple[Column, int, int]] = []
    for index, column in enumerate(columns):
        page = _page(column, [row[index] for row in rows])
        chunks.append((column, len(out), len(page)))
        out += page
    footer = _Compact()
    footer.i32(1, 1)
    footer.list_header(2, len(columns) + 1, _STRUCT)
    footer.list_struct_begin()
    footer.binary(4, b"schema")
    footer.i32(5, len(columns))
    footer.end()
    for column in columns:
        _schema_element(footer, column)
    footer.i64(3, len(rows))
    footer.list_header(4, 1, _STRUCT)
    footer.list_struct_begin()
    footer.list_header(1, len(chunks), _STRUCT)
    for column, offset, size in chunks:
        footer.list_struct_begin()
        footer.i64(2, offset)
        footer.begin(3)
        footer.i32(1, _BYTE_ARRAY if column.kind == "string" else _INT64)
        footer.list_header(2, 2, _I32)
        footer.out += _varint(_zigzag(_PLAIN)) + _varint(_zigzag(_RLE))
        footer.list_header(3, 1, _BINARY)
        name = column.name.encode("utf-8")
        footer.out += _varint(len(name)) + name
        footer.i32(4, _UNCOMPRESSED)
        footer.i64(5, len(rows))
        footer.i64(6, size)
        footer.i64(7, size)
        footer.i64(9, offset)
        footer.end()
        footer.end()
    footer.i64(2, sum(size for _, _, size in chunks))
    footer.i64(3, len(rows))
    footer.end()
    footer.binary(6, CREATED_BY.encode("utf-8"))
    footer.out.append(0)
    out += footer.out + struct.pack("<I", len(footer.out)) + MAGIC
    return bytes(out)
