"""Building tfplugin5 schema messages from short Python descriptions."""

from __future__ import annotations

import json
from typing import Any

from tools.tfprovider import protocol

pb = protocol.load()

TypeJSON = Any  # "string" | "number" | "bool" | "dynamic" | ["list", T] | ["object", {...}] ...


def attribute(
    name: str,
    type_: TypeJSON,
    *,
    required: bool = False,
    optional: bool = False,
    computed: bool = False,
    description: str = "",
) -> Any:
    """A Schema.Attribute: exactly one of required, optional or computed (optional may be too)."""
    assert required != (optional or computed), f"{name}: required, or optional and/or computed"
    return pb.Schema.Attribute(
        name=name,
        type=json.dumps(type_, separators=(",", ":")).encode(),
        required=required,
        optional=optional,
        computed=computed,
        description=description,
    )


def block(attributes: list[Any], blocks: list[Any] | None = None) -> Any:
    """A Schema.Block, attributes and nested blocks sorted by name (as Terraform lists them)."""
    return pb.Schema.Block(
        attributes=sorted(attributes, key=lambda a: a.name),
        block_types=sorted(blocks or [], key=lambda b: b.type_name),
    )


def nested(name: str, body: Any, nesting: str, min_items: int = 0, max_items: int = 0) -> Any:
    """A Schema.NestedBlock; `nesting` is LIST, SET, SINGLE, GROUP or MAP."""
    mode = pb.Schema.NestedBlock.NestingMode.Value(nesting)
    return pb.Schema.NestedBlock(
        type_name=name, block=body, nesting=mode, min_items=min_items, max_items=max_items
    )


def schema(body: Any, version: int = 0) -> Any:
    """A Schema (a resource type's, a data source's or the provider's)."""
    return pb.Schema(version=version, block=body)
