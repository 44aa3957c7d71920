"""Terraform values on the wire (docs/plugin-protocol/object-wire-format.md) and their walks.

A value decodes to plain Python: objects and maps are dicts, lists, sets and tuples are lists,
null is None, and an unknown value (a msgpack extension) stays a `msgpack.ExtType`. Values of
type "dynamic" arrive as `[type JSON (bytes), value]` and are passed through untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgpack

# The unrefined unknown value, as Terraform's own encoder writes it.
UNKNOWN = msgpack.ExtType(0, b"\x00")

Block = Any  # a tfplugin5 Schema.Block message
Leaf = Callable[[Any, Any], Any]  # (attribute schema, value) -> new value


def is_unknown(value: Any) -> bool:
    """True for an unknown value (any msgpack extension code, refined or not)."""
    return isinstance(value, msgpack.ExtType)


def decode(dynamic_value: Any) -> Any:
    """A DynamicValue message -> Python (msgpack preferred, JSON as the fallback)."""
    if dynamic_value.msgpack:
        return msgpack.unpackb(dynamic_value.msgpack, raw=False, strict_map_key=False)
    if dynamic_value.json:
        return json.loads(dynamic_value.json)
    return None


def encode(value: Any) -> bytes:
    """Python -> msgpack bytes for a DynamicValue."""
    packed: bytes = msgpack.packb(value, use_bin_type=True)
    return packed


def attribute_type(attribute: Any) -> Any:
    """The attribute's type constraint, decoded from its JSON bytes."""
    return json.loads(attribute.type)


def map_block(block: Block, value: Any, leaf: Leaf) -> Any:
    """Rebuild a block value, passing each attribute through `leaf` (nested blocks recursed).

    A null or unknown block value is returned as it is: there is nothing inside to visit.
    """
    if value is None or is_unknown(value):
        return value
    out = dict(value)
    for attribute in block.attributes:
        out[attribute.name] = leaf(attribute, value.get(attribute.name))
    for nested in block.block_types:
        item = value.get(nested.type_name)
        if item is None or is_unknown(item):
            continue
        mode = nested.NestingMode.Name(nested.nesting)
        if mode in ("LIST", "SET"):
            out[nested.type_name] = [map_block(nested.block, v, leaf) for v in item]
        elif mode == "MAP":
            out[nested.type_name] = {k: map_block(nested.block, v, leaf) for k, v in item.items()}
        else:  # SINGLE, GROUP
            out[nested.type_name] = map_block(nested.block, item, leaf)
    return out


def known_placeholder(type_: Any, name: str) -> Any:
    """A known stand-in value of a type, for what a data source would have read."""
    if type_ == "string":
        return f"stand-in-{name.replace('_', '-')}"
    if type_ == "number":
        return 0
    if type_ == "bool":
        return False
    if isinstance(type_, list) and type_[0] in ("list", "set", "tuple"):
        return []
    if isinstance(type_, list) and type_[0] == "map":
        return {}
    if isinstance(type_, list) and type_[0] == "object":
        return {k: known_placeholder(t, k) for k, t in type_[1].items()}
    return None  # dynamic: a null is known too
