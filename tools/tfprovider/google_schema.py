"""The hashicorp/google provider's schema, rebuilt from PyPI's cdktn-provider-google.

The wheel carries the provider's jsii assembly (`_jsii/provider-google@VERSION.jsii.tgz`),
generated from `terraform providers schema -json` of hashicorp/google. Two parts of it give
the whole schema back:

* `package/.jsii` (types): each resource's or data source's config struct lists its arguments
  with their types (string, number, bool, lists and maps of them) and its nested blocks
  (a struct: one block; an array of structs: a list of blocks; not optional: required);
  the classes' read-only getters give the computed attributes' types.
* `package/lib/*/index.js` (generated code): before each getter a comment such as
  `// ack_deadline_seconds - computed: false, optional: true, required: false` gives the
  attribute's Terraform name and flags, and `synthesizeHclAttributes` marks set blocks.

The result is cached as a serialized GetProviderSchema response in the cache folder.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.tfprovider import protocol
from tools.tfprovider.schema import TypeJSON, attribute, block, nested, pb, schema

PACKAGE = "cdktn-provider-google"
PREFIX = "@cdktn/provider-google."

# `// name - computed: true, optional: false, required: false` then `_field;` and the getter.
_FIELD = re.compile(
    r"// (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\n"
    r"\s+(?:_\w+(?: = [^\n]*)?;\n\s+)?get (\w+)\(\)"
)
_CLASS = re.compile(r"^class (\w+) extends ", re.MULTILINE)
# In synthesizeHclAttributes: `isBlock: true, type: "set", storageClassType: "FooList"`.
_SET_BLOCK = re.compile(r'isBlock: true,\s+type: "set",\s+storageClassType: "(\w+)"')
# A class's docs link to the registry page ending in the Terraform type name.
_TYPE_NAME = re.compile(r"/docs/(resources|data-sources)/\w+ (\w+)\}")

_COMPUTED_MAPS = {
    "cdktn.StringMap": ["map", "string"],
    "cdktn.NumberMap": ["map", "number"],
    "cdktn.BooleanMap": ["map", "bool"],
    "cdktn.AnyMap": ["map", "dynamic"],
    "cdktn.StringMapList": ["list", ["map", "string"]],
    "cdktn.NumberMapList": ["list", ["map", "number"]],
    "cdktn.BooleanMapList": ["list", ["map", "bool"]],
    "cdktn.AnyMapList": ["list", ["map", "dynamic"]],
    "cdktn.StringListMap": ["map", ["list", "string"]],
    "cdktn.NumberListMap": ["map", ["list", "number"]],
}
_PRIMITIVES = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}


@dataclass(frozen=True)
class Field:
    """One attribute or block as the generated code's comment describes it."""

    name: str  # the Terraform name
    computed: bool
    optional: bool
    required: bool


def assembly_path() -> Path:
    """The jsii tarball inside the installed cdktn-provider-google wheel."""
    for file in importlib.metadata.files(PACKAGE) or []:
        if file.name.endswith(".jsii.tgz"):
            return Path(str(file.locate()))
    raise FileNotFoundError(
        f"{PACKAGE} is not installed: pip install -r requirements/terraform.txt"
    )


def read_assembly(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Field]], set[str]]:
    """(jsii types, fields of each generated class by getter name, names of set-block lists)."""
    types: dict[str, Any] = {}
    fields: dict[str, dict[str, Field]] = {}
    set_lists: set[str] = set()
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is None:
                continue
            if member.name == "package/.jsii":
                types = json.load(handle)["types"]
            elif member.name.startswith("package/lib/") and member.name.endswith(".js"):
                code = handle.read().decode()
                set_lists.update(_SET_BLOCK.findall(code))
                starts = list(_CLASS.finditer(code))
                for i, match in enumerate(starts):
                    end = starts[i + 1].start() if i + 1 < len(starts) else len(code)
                    fields[match.group(1)] = {
                        getter: Field(name, c == "true", o == "true", r == "true")
                        for name, c, o, r, getter in _FIELD.findall(code, match.start(), end)
                    }
    if not types:
        raise ValueError(f"{path}: no package/.jsii in the tarball")
    return types, fields, set_lists


def _struct_fields(props: dict[str, Any]) -> dict[str, Field]:
    """Fields of a struct no generated class describes (the provider's nested blocks)."""
    return {
        name: Field(
            re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower(),
            computed=False,
            optional=prop.get("optional", False),
            required=not prop.get("optional", False),
        )
        for name, prop in props.items()
    }


class Converter:
    """jsii types + generated-code fields -> tfplugin5 Schema messages."""

    def __init__(
        self, types: dict[str, Any], fields: dict[str, dict[str, Field]], set_lists: set[str]
    ) -> None:
        self.types = types
        self.fields = fields
        self.set_lists = set_lists

    def _struct(self, type_ref: dict[str, Any]) -> tuple[str, bool] | None:
        """(struct fqn, is a list) when a config property is a nested block, else None."""
        if "union" in type_ref:
            for member in type_ref["union"]["types"]:
                found = self._struct(member)
                if found:
                    return found
            return None
        if "collection" in type_ref and type_ref["collection"]["kind"] == "array":
            inner = self._struct(type_ref["collection"]["elementtype"])
            return (inner[0], True) if inner else None
        fqn = type_ref.get("fqn", "")
        if self.types.get(fqn, {}).get("datatype"):
            return fqn, False
        return None

    def _config_type(self, type_ref: dict[str, Any]) -> TypeJSON:
        """The type of a configurable attribute."""
        if "primitive" in type_ref:
            return _PRIMITIVES.get(type_ref["primitive"], "dynamic")
        if "collection" in type_ref:
            kind = "list" if type_ref["collection"]["kind"] == "array" else "map"
            return [kind, self._config_type(type_ref["collection"]["elementtype"])]
        if "union" in type_ref:  # `boolean | IResolvable`, `IResolvable | string[]`, ...
            members = [t for t in type_ref["union"]["types"] if t.get("fqn") != "cdktn.IResolvable"]
            return self._config_type(members[0]) if len(members) == 1 else "dynamic"
        return "dynamic"  # a bare IResolvable: any value

    def _computed_type(self, type_ref: dict[str, Any]) -> TypeJSON:
        """The type of a read-only getter (a computed attribute)."""
        if "primitive" in type_ref or "collection" in type_ref:
            return self._config_type(type_ref)
        fqn = type_ref.get("fqn", "")
        if fqn == "cdktn.IResolvable":
            return "bool"  # computed booleans are read as IResolvable
        if fqn in _COMPUTED_MAPS:
            return _COMPUTED_MAPS[fqn]
        cls = self.types.get(fqn, {})
        base = cls.get("base")
        if base in ("cdktn.ComplexList", "cdktn.ComplexMap"):
            get = next(m for m in cls.get("methods", []) if m["name"] == "get")
            element = ["object", self._object_attributes(get["returns"]["type"]["fqn"])]
            return ["list" if base == "cdktn.ComplexList" else "map", element]
        if base == "cdktn.ComplexObject":
            return ["object", self._object_attributes(fqn)]
        return "dynamic"

    def _object_attributes(self, class_fqn: str) -> dict[str, TypeJSON]:
        getters = {p["name"]: p for p in self.types[class_fqn].get("properties", [])}
        return {
            field.name: self._computed_type(getters[name]["type"])
            for name, field in self.fields[self.types[class_fqn]["name"]].items()
            if name in getters
        }

    def _struct_properties(self, struct_fqn: str | None) -> dict[str, Any]:
        """A struct's properties by name, inherited ones from this assembly included."""
        if not struct_fqn or not struct_fqn.startswith(PREFIX):
            return {}
        struct = self.types[struct_fqn]
        props: dict[str, Any] = {}
        for parent in struct.get("interfaces", []):
            props.update(self._struct_properties(parent))
        props.update({p["name"]: p for p in struct.get("properties", [])})
        return props

    def block(self, class_fqn: str, struct_fqn: str | None, skip: tuple[str, ...] = ()) -> Any:
        """The block a class (resource, data source, provider or OutputReference) describes.

        `struct_fqn` is its config struct: properties found there are arguments or nested
        blocks; the class's other commented getters are computed attributes.
        """
        cls = self.types.get(class_fqn)
        getters = {p["name"]: p for p in (cls or {}).get("properties", []) if not p.get("static")}
        props = self._struct_properties(struct_fqn)
        fields = self.fields[cls["name"]] if cls else _struct_fields(props)
        attributes, blocks = [], []
        for name, field in fields.items():
            if field.name in skip:
                continue
            prop = props.get(name)
            struct = self._struct(prop["type"]) if prop else None
            if prop and struct:
                required = not prop.get("optional", False)
                blocks.append(self._nested_block(field.name, *struct, required=required))
                continue
            if prop:
                type_ = self._config_type(prop["type"])
            elif name in getters:
                type_ = self._computed_type(getters[name]["type"])
            else:
                continue
            attributes.append(
                attribute(
                    field.name,
                    type_,
                    required=field.required,
                    optional=field.optional and not field.required,
                    computed=field.computed or not (field.required or field.optional),
                )
            )
        return block(attributes, blocks)

    def _nested_block(self, name: str, struct_fqn: str, many: bool, *, required: bool) -> Any:
        """A nested block: an array of structs is a list of blocks (a set where the code
        says so), a struct a list of at most one (the SDK's MaxItems: 1), `timeouts` single."""
        body = self.block(struct_fqn + "OutputReference", struct_fqn)
        if name == "timeouts":
            return nested(name, body, "SINGLE")
        if many:
            mode = "SET" if self.types[struct_fqn]["name"] + "List" in self.set_lists else "LIST"
            return nested(name, body, mode, min_items=int(required))
        return nested(name, body, "LIST", min_items=int(required), max_items=1)

    def provider_schema(self) -> Any:
        """The whole GetProviderSchema response: provider, resources and data sources."""
        response = pb.GetProviderSchema.Response(
            provider=schema(
                self.block(
                    PREFIX + "provider.GoogleProvider",
                    PREFIX + "provider.GoogleProviderConfig",
                    skip=("alias",),  # a meta-argument, not the provider's
                )
            ),
            server_capabilities=pb.ServerCapabilities(get_provider_schema_optional=True),
        )
        for fqn, cls in self.types.items():
            base = cls.get("base")
            if base not in ("cdktn.TerraformResource", "cdktn.TerraformDataSource"):
                continue
            match = _TYPE_NAME.search(cls["docs"].get("summary", ""))
            if not match:
                continue
            params = cls["initializer"]["parameters"]
            body = self.block(fqn, params[2]["type"]["fqn"])
            target = (
                response.resource_schemas
                if base == "cdktn.TerraformResource"
                else response.data_source_schemas
            )
            target[match.group(2)].CopyFrom(schema(body))
        return response


def load_schema() -> Any:
    """The google provider's GetProviderSchema response, from the cache or built once."""
    version = importlib.metadata.version(PACKAGE)
    sources = (Path(__file__), Path(__file__).with_name("schema.py"), protocol.PROTO)
    code = b"".join(path.read_bytes() for path in sources)  # a change rebuilds the cache
    key = hashlib.sha256(code).hexdigest()[:12]
    cached = protocol.cache_dir() / f"google-schema-{version}-{key}.pb"
    response = pb.GetProviderSchema.Response()
    if cached.exists():
        response.ParseFromString(cached.read_bytes())
        return response
    response = Converter(*read_assembly(assembly_path())).provider_schema()
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")  # concurrent first runs: no mixing
    tmp.write_bytes(response.SerializeToString())
    tmp.replace(cached)
    return response
