"""The tfplugin5 messages: `tfplugin5.proto` compiled by grpcio-tools into a cache folder.

The Python module is generated on first use (keyed by the .proto's hash and the compiler's
version) rather than committed, so the .proto stays the one readable source.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

PROTO = Path(__file__).with_name("tfplugin5.proto")
ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """Where generated files and the converted schema live (`TFPROVIDER_CACHE` overrides)."""
    path = Path(os.environ.get("TFPROVIDER_CACHE") or ROOT / ".local" / "tfprovider")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _compile(out: Path) -> None:
    from grpc_tools import protoc  # only needed the first time

    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    args = ["protoc", f"-I{PROTO.parent}", f"--python_out={tmp}", PROTO.name]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {PROTO}")
    os.replace(tmp / "tfplugin5_pb2.py", out)
    tmp.rmdir()


def load() -> ModuleType:
    """The `tfplugin5_pb2` module (compiling it if the cache has no current copy)."""
    if "tfplugin5_pb2" in sys.modules:
        return sys.modules["tfplugin5_pb2"]
    compiler = importlib.metadata.version("grpcio-tools")
    key = hashlib.sha256(PROTO.read_bytes() + compiler.encode()).hexdigest()[:16]
    path = cache_dir() / f"tfplugin5_pb2_{key}.py"
    if not path.exists():
        _compile(path)
    spec = importlib.util.spec_from_file_location("tfplugin5_pb2", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["tfplugin5_pb2"] = module
    spec.loader.exec_module(module)
    return module
