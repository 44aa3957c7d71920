"""A stand-in for hashicorp/archive: the `archive_file` data source (and deprecated resource).

The schema is written by hand after hashicorp/archive 2.7 (docs/data-sources/file). Reading
the data source does what the real one does for `type = "zip"`: it writes the zip to
`output_path` and answers its size and hashes, so a plan shows the real object names.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path
from typing import Any

from tools.tfprovider.schema import attribute, block, nested, pb, schema

# Entries get a fixed time so the same files give the same zip (and the same hashes).
_ZIP_TIME = (1981, 1, 1, 0, 0, 0)

_ARCHIVE_FILE = block(
    [
        attribute("id", "string", computed=True),
        attribute("type", "string", required=True),
        attribute("source_content", "string", optional=True),
        attribute("source_content_filename", "string", optional=True),
        attribute("source_file", "string", optional=True),
        attribute("source_dir", "string", optional=True),
        attribute("excludes", ["set", "string"], optional=True),
        attribute("exclude_symlink_directories", "bool", optional=True),
        attribute("output_path", "string", required=True),
        attribute("output_file_mode", "string", optional=True),
        attribute("output_size", "number", computed=True),
        attribute("output_sha", "string", computed=True),
        attribute("output_sha256", "string", computed=True),
        attribute("output_base64sha256", "string", computed=True),
        attribute("output_sha512", "string", computed=True),
        attribute("output_base64sha512", "string", computed=True),
        attribute("output_md5", "string", computed=True),
    ],
    [
        nested(
            "source",
            block(
                [
                    attribute("content", "string", required=True),
                    attribute("filename", "string", required=True),
                ]
            ),
            "SET",
        )
    ],
)


def provider_schema() -> Any:
    """The archive provider's GetProviderSchema response."""
    response = pb.GetProviderSchema.Response(
        provider=schema(block([])),
        server_capabilities=pb.ServerCapabilities(get_provider_schema_optional=True),
    )
    response.resource_schemas["archive_file"].CopyFrom(schema(_ARCHIVE_FILE))
    response.data_source_schemas["archive_file"].CopyFrom(schema(_ARCHIVE_FILE))
    return response


def _entries(config: dict[str, Any]) -> list[tuple[str, bytes]]:
    """(name in the archive, content) for every input the config names."""
    entries: list[tuple[str, bytes]] = []
    if config.get("source_content_filename") is not None:
        content = config.get("source_content") or ""
        entries.append((config["source_content_filename"], content.encode()))
    if config.get("source_file"):
        path = Path(config["source_file"])
        entries.append((path.name, path.read_bytes()))
    for item in config.get("source") or []:
        entries.append((item["filename"], item["content"].encode()))
    if config.get("source_dir"):
        root = Path(config["source_dir"])
        if not root.is_dir():
            raise FileNotFoundError(f"could not archive missing directory: {root}")
        excludes = {os.path.normpath(e) for e in config.get("excludes") or []}
        skip_links = bool(config.get("exclude_symlink_directories"))
        for dirpath, dirnames, filenames in os.walk(root, followlinks=not skip_links):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath, name)
                relative = path.relative_to(root).as_posix()
                if relative in excludes or any(relative.startswith(e + "/") for e in excludes):
                    continue
                entries.append((relative, path.read_bytes()))
    if not entries:
        raise ValueError("one of source_dir, source_file, source_content or source is required")
    return entries


def read_archive_file(config: dict[str, Any]) -> dict[str, Any]:
    """Write the zip the config describes and answer the data source's state."""
    if config["type"] != "zip":
        raise ValueError(f'archive type {config["type"]!r}: this stand-in writes "zip" only')
    entries = _entries(config)  # first: a missing source writes no zip
    output = Path(config["output_path"])
    output.parent.mkdir(parents=True, exist_ok=True)
    mode = int(config["output_file_mode"], 8) if config.get("output_file_mode") else 0o644
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    data = output.read_bytes()
    sha256, sha512 = hashlib.sha256(data), hashlib.sha512(data)
    sha1 = hashlib.sha1(data).hexdigest()  # `output_sha` is SHA-1
    return {
        **config,
        "id": sha1,
        "output_size": len(data),
        "output_sha": sha1,
        "output_sha256": sha256.hexdigest(),
        "output_base64sha256": base64.b64encode(sha256.digest()).decode(),
        "output_sha512": sha512.hexdigest(),
        "output_base64sha512": base64.b64encode(sha512.digest()).decode(),
        "output_md5": hashlib.md5(data).hexdigest(),
    }
