"""The parsed Terraform configuration (terraform/*.tf) for the tests, via python-hcl2."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

ROOT = Path(__file__).resolve().parents[2]
TF_DIR = ROOT / "terraform"

_OPTIONS = SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)


def load_hcl(path: Path) -> dict[str, Any]:
    return hcl2.loads(path.read_text(), serialization_options=_OPTIONS)


@dataclass
class TfConfig:
    """All top-level blocks of terraform/*.tf, indexed by type and name."""

    resources: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    data: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)

    def resource(self, type_: str, name: str) -> dict[str, Any]:
        assert name in self.resources.get(type_, {}), f"missing resource {type_}.{name}"
        return self.resources[type_][name]

    def resolve(self, value: Any) -> Any:
        """Follow a bare `${local.x}` or `${var.x}` (to its default) until a literal."""
        while isinstance(value, str):
            m = re.fullmatch(r"\$\{(local|var)\.(\w+)\}", value)
            if not m:
                break
            kind, name = m.groups()
            value = self.locals[name] if kind == "local" else self.variables[name]["default"]
        return value


def block(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The single nested block `name` of a resource body (hcl2 gives a list)."""
    blocks = body.get(name)
    assert isinstance(blocks, list) and len(blocks) == 1, f"expected one {name} block"
    return blocks[0]


def ref(expr: str) -> str:
    """`google_x.y.email` -> `${google_x.y.email}`: how hcl2 renders a reference."""
    return "${" + expr + "}"


def load_config(tf_dir: Path = TF_DIR) -> TfConfig:
    cfg = TfConfig()
    for path in sorted(tf_dir.glob("*.tf")):
        parsed = load_hcl(path)
        for item in parsed.get("resource", []):
            for type_, named in item.items():
                for name, body in named.items():
                    assert name not in cfg.resources.get(type_, {}), f"duplicate {type_}.{name}"
                    cfg.resources.setdefault(type_, {})[name] = body
        for item in parsed.get("data", []):
            for type_, named in item.items():
                cfg.data.setdefault(type_, {}).update(named)
        for item in parsed.get("variable", []):
            cfg.variables.update(item)
        for item in parsed.get("output", []):
            cfg.outputs.update(item)
        for item in parsed.get("locals", []):
            cfg.locals.update(item)
        cfg.terraform.extend(parsed.get("terraform", []))
    return cfg
