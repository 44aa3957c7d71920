"""The stand-in providers' parts (tools/tfprovider), without Terraform."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tools.tfprovider import archive, google_schema, values
from tools.tfprovider.schema import pb
from tools.tfprovider.server import StandInProvider


@pytest.fixture(scope="module")
def google() -> Any:
    return google_schema.load_schema()


def _attributes(block: Any) -> dict[str, Any]:
    return {a.name: a for a in block.attributes}


def _blocks(block: Any) -> dict[str, Any]:
    return {b.type_name: b for b in block.block_types}


def _mode(nested: Any) -> tuple[str, int, int]:
    return (nested.NestingMode.Name(nested.nesting), nested.min_items, nested.max_items)


# ---- the google schema, rebuilt from the jsii assembly ----------------------------------


def test_google_schema_has_every_resource_and_data_source(google: Any) -> None:
    assert len(google.resource_schemas) > 1000
    assert len(google.data_source_schemas) > 300
    assert "google_identity_platform_config" in google.resource_schemas
    assert "google_project" in google.data_source_schemas
    provider = _attributes(google.provider.block)
    assert provider["user_project_override"].optional
    assert "alias" not in provider  # a meta-argument, not the provider's


def test_google_schema_flags_and_types(google: Any) -> None:
    sub = google.resource_schemas["google_pubsub_subscription"].block
    attrs = _attributes(sub)
    assert attrs["topic"].required
    assert attrs["labels"].optional and not attrs["labels"].computed
    assert attrs["project"].optional and attrs["project"].computed
    assert attrs["effective_labels"].computed and not attrs["effective_labels"].optional
    assert json.loads(attrs["effective_labels"].type) == ["map", "string"]
    assert json.loads(attrs["ack_deadline_seconds"].type) == "number"
    blocks = _blocks(sub)
    assert _mode(blocks["dead_letter_policy"]) == ("LIST", 0, 1)
    assert _mode(blocks["timeouts"]) == ("SINGLE", 0, 0)
    assert _attributes(blocks["retry_policy"].block)["maximum_backoff"].optional


def test_google_schema_nested_blocks_and_computed_names(google: Any) -> None:
    function = _blocks(google.resource_schemas["google_cloudfunctions2_function"].block)
    service = function["service_config"]
    assert _mode(service) == ("LIST", 0, 1)
    assert _attributes(service.block)["uri"].computed
    assert _mode(_blocks(service.block)["secret_environment_variables"]) == ("LIST", 0, 0)
    repository = google.resource_schemas["google_artifact_registry_repository"].block
    assert _mode(_blocks(repository)["cleanup_policies"]) == ("SET", 0, 0)
    # Names come from the generated code, not from re-snake-casing `md5Hash`.
    object_attrs = _attributes(google.resource_schemas["google_storage_bucket_object"].block)
    assert {"md5hash", "crc32c", "detect_md5hash"} <= set(object_attrs)
    auth = _blocks(google.resource_schemas["google_identity_platform_config"].block)
    anonymous = _blocks(auth["sign_in"].block)["anonymous"]
    assert _attributes(anonymous.block)["enabled"].required


# ---- the RPC handlers ---------------------------------------------------------------------


def _value(value: Any) -> Any:
    return pb.DynamicValue(msgpack=values.encode(value))


def test_plan_makes_unset_computed_attributes_unknown(tmp_path: Path) -> None:
    provider = StandInProvider(archive.provider_schema())
    config = {"type": "zip", "source_dir": str(tmp_path), "output_path": "out.zip"}
    proposed = {
        a.name: config.get(a.name)
        for a in archive.provider_schema().resource_schemas["archive_file"].block.attributes
    }
    proposed["source"] = []
    response = provider.PlanResourceChange(
        pb.PlanResourceChange.Request(
            type_name="archive_file", proposed_new_state=_value(proposed)
        ),
        None,
    )
    planned = values.decode(response.planned_state)
    assert planned["type"] == "zip" and planned["output_path"] == "out.zip"
    assert values.is_unknown(planned["output_md5"]) and values.is_unknown(planned["id"])
    assert planned["excludes"] is None  # optional, not computed: stays null


def test_state_is_handed_back(tmp_path: Path) -> None:
    provider = StandInProvider(archive.provider_schema())
    state = {"id": "x", "type": "zip", "output_path": "out.zip"}
    upgraded = provider.UpgradeResourceState(
        pb.UpgradeResourceState.Request(
            type_name="archive_file", raw_state=pb.RawState(json=json.dumps(state).encode())
        ),
        None,
    )
    assert values.decode(upgraded.upgraded_state) == state
    read = provider.ReadResource(
        pb.ReadResource.Request(type_name="archive_file", current_state=_value(state)), None
    )
    assert values.decode(read.new_state) == state


def test_google_data_sources_read_known_stand_ins(google: Any) -> None:
    provider = StandInProvider(google, placeholders={"google_project": {"number": "42"}})
    config = {a.name: None for a in google.data_source_schemas["google_project"].block.attributes}
    config["project_id"] = "my-project"
    response = provider.ReadDataSource(
        pb.ReadDataSource.Request(type_name="google_project", config=_value(config)), None
    )
    state = values.decode(response.state)
    assert state["project_id"] == "my-project"
    assert state["number"] == "42"
    assert not any(values.is_unknown(v) for v in state.values())


# ---- archive_file ---------------------------------------------------------------------------


def test_archive_file_zips_a_folder_reproducibly(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "pkg").mkdir(parents=True)
    (source / "main.py").write_text("print('hi')\n")
    (source / "pkg" / "mod.py").write_text("X = 1\n")
    (source / "skip.txt").write_text("no\n")
    config = {
        "type": "zip",
        "source_dir": str(source),
        "excludes": ["skip.txt"],
        "output_path": str(tmp_path / "out" / "a.zip"),
    }
    first = archive.read_archive_file(config)
    second = archive.read_archive_file({**config, "output_path": str(tmp_path / "b.zip")})
    assert first["output_base64sha256"] == second["output_base64sha256"]
    assert first["output_size"] == (tmp_path / "out" / "a.zip").stat().st_size
    with zipfile.ZipFile(tmp_path / "b.zip") as zipped:
        assert zipped.namelist() == ["main.py", "pkg/mod.py"]


def test_archive_file_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    provider = StandInProvider(
        archive.provider_schema(), read_data=lambda _t, c: archive.read_archive_file(c)
    )
    output = tmp_path / "x.zip"
    config = {"type": "zip", "source_dir": str(tmp_path / "nope"), "output_path": str(output)}
    response = provider.ReadDataSource(
        pb.ReadDataSource.Request(type_name="archive_file", config=_value(config)), None
    )
    assert "could not archive missing directory" in response.diagnostics[0].detail
    assert not output.exists()
