"""The serializer behind input/output/metadata: common types as JSON, anything else as repr, no raise."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import uuid
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import pydantic
import pytest

from interactiveai.sdk.serialize import to_json


@dataclasses.dataclass
class Order:
    id: int
    placed: dt.date
    tags: tuple[str, ...] = ()


class Customer(pydantic.BaseModel):
    name: str
    since: dt.datetime


class Color(enum.Enum):
    RED = "red"


class Opaque:
    def __repr__(self) -> str:
        return "<Opaque thing>"


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("héllo", '"héllo"'),
        ({"a": [1, 2.5, None, True]}, '{"a":[1,2.5,null,true]}'),
        (Order(1, dt.date(2025, 1, 2), ("x",)), '{"id":1,"placed":"2025-01-02","tags":["x"]}'),
        (
            Customer(name="Ann", since=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
            '{"name":"Ann","since":"2025-01-01T00:00:00Z"}',
        ),
        (dt.datetime(2025, 1, 1, 12, 30), '"2025-01-01T12:30:00"'),
        (dt.timedelta(seconds=90), "90.0"),
        (b"bytes", '"bytes"'),
        (b"\xff\x00", '"base64:/wA="'),
        ({1, 2} and frozenset({3}), "[3]"),
        (Color.RED, '"red"'),
        (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"'),
        (PurePosixPath("/tmp/x"), '"/tmp/x"'),
        (Decimal("1.5"), "1.5"),
        (ValueError("bad"), '"ValueError: bad"'),
        (Opaque(), '"<Opaque thing>"'),
        (BadRepr(), '"<unserializable BadRepr>"'),
        ({1: "int key", None: "none key"}, '{"1":"int key","null":"none key"}'),
    ],
)
def test_known_shapes(value: Any, expected: str) -> None:
    assert to_json(value) == expected


def test_slow_path_cuts_cycles_names_nan_and_keeps_odd_keys() -> None:
    cyclic: dict[str, Any] = {"name": "loop"}
    cyclic["self"] = cyclic
    value = {"cyclic": cyclic, "nan": math.nan, "inf": [math.inf], (1, 2): "tuple key"}

    text = to_json(value)
    assert json.loads(text) == {
        "cyclic": {"name": "loop", "self": "<circular>"},
        "nan": "nan",
        "inf": ["inf"],
        "(1, 2)": "tuple key",
    }


def test_self_referencing_dataclass_and_deep_nesting() -> None:
    @dataclasses.dataclass
    class Node:
        child: Any = None

    node = Node()
    node.child = node
    assert json.loads(to_json(node)) == {"child": "<circular>"}

    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    assert "<max depth>" in to_json(deep)


def test_shared_references_are_not_cycles() -> None:
    shared = {"k": 1}
    assert json.loads(to_json({"a": shared, "b": shared, "n": math.nan})) == {
        "a": {"k": 1},
        "b": {"k": 1},
        "n": "nan",
    }


def test_without_the_c_accelerator_the_encoding_is_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from interactiveai.sdk import serialize

    value = {"order": Order(7, dt.date(2026, 1, 2)), "text": "é", "n": [1, 2.5, None, True]}
    with_c = "".join(serialize._chunk_encoder()(value, 0))
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    without_c = "".join(serialize._chunk_encoder()(value, 0))
    assert with_c == without_c == to_json(value)
    assert json.loads(with_c)["order"] == {"id": 7, "placed": "2026-01-02", "tags": []}
