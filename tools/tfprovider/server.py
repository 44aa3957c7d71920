"""A stand-in provider speaking Terraform plugin protocol 5 over gRPC, and its launcher.

It answers what `terraform init`, `validate` and `plan` ask of a provider, from the real
provider's schema:

* GetSchema: the schema (Terraform itself then checks every argument, block and type).
* PrepareProviderConfig, Configure, Validate*Config: accept (no credentials, no API calls).
* PlanResourceChange: the proposed new state with every computed attribute that is still
  null made unknown ("known after apply"), as a provider does for a create.
* ReadDataSource: the config with computed attributes filled in with known stand-in values
  (or, for archive_file, really computed); ReadResource and UpgradeResourceState hand the
  state back.

Terraform attaches to a running provider through TF_REATTACH_PROVIDERS (go-plugin's reattach,
"Test" mode, so Terraform never stops it); `serve()` starts one gRPC server per provider
and returns that JSON.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc
from google.protobuf.message_factory import GetMessageClass

from tools.tfprovider import values
from tools.tfprovider.schema import pb

Reader = Callable[[str, dict[str, Any]], dict[str, Any]]  # (type name, config) -> state

SERVICE = pb.DESCRIPTOR.services_by_name["Provider"]


def error(summary: str, detail: str = "") -> Any:
    """An error Diagnostic."""
    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)


def _dynamic(value: Any) -> Any:
    return pb.DynamicValue(msgpack=values.encode(value))


def _make_unknown(attribute: Any, value: Any) -> Any:
    """Plan: a computed attribute nobody set is decided by the apply."""
    return values.UNKNOWN if value is None and attribute.computed else value


class StandInProvider:
    """The RPC handlers of one provider, driven by its GetProviderSchema response."""

    def __init__(
        self,
        schema: Any,
        read_data: Reader | None = None,
        placeholders: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.schema = schema
        self.schema_bytes: bytes = schema.SerializeToString()  # the largest answer: once
        self.read_data = read_data
        self.placeholders = placeholders or {}

    # ---- schema and configuration -------------------------------------------------------

    def GetSchema(self, request: Any, context: Any) -> bytes:
        return self.schema_bytes

    def PrepareProviderConfig(self, request: Any, context: Any) -> Any:
        return pb.PrepareProviderConfig.Response(prepared_config=request.config)

    def Configure(self, request: Any, context: Any) -> Any:
        return pb.Configure.Response()

    def ValidateResourceTypeConfig(self, request: Any, context: Any) -> Any:
        return pb.ValidateResourceTypeConfig.Response()

    def ValidateDataSourceConfig(self, request: Any, context: Any) -> Any:
        return pb.ValidateDataSourceConfig.Response()

    def Stop(self, request: Any, context: Any) -> Any:
        return pb.Stop.Response()

    # ---- managed resources --------------------------------------------------------------

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        block = self.schema.resource_schemas[request.type_name].block
        proposed = values.decode(request.proposed_new_state)
        planned = values.map_block(block, proposed, _make_unknown)
        return pb.PlanResourceChange.Response(
            planned_state=_dynamic(planned), planned_private=request.prior_private
        )

    def ReadResource(self, request: Any, context: Any) -> Any:
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        if not request.raw_state.json:
            return pb.UpgradeResourceState.Response(
                diagnostics=[error("Flatmap state is not supported by the stand-in provider")]
            )
        state = json.loads(request.raw_state.json)
        return pb.UpgradeResourceState.Response(upgraded_state=_dynamic(state))

    # ---- data sources -------------------------------------------------------------------

    def ReadDataSource(self, request: Any, context: Any) -> Any:
        config = values.decode(request.config)
        try:
            if self.read_data:
                state = self.read_data(request.type_name, config)
            else:
                state = self._placeholder_state(request.type_name, config)
        except (OSError, ValueError, KeyError) as exc:
            return pb.ReadDataSource.Response(
                diagnostics=[error(f"Reading {request.type_name} failed", str(exc))]
            )
        return pb.ReadDataSource.Response(state=_dynamic(state))

    def _placeholder_state(self, type_name: str, config: dict[str, Any]) -> Any:
        """The config, each computed null given a known value (a data source reads it all)."""
        block = self.schema.data_source_schemas[type_name].block
        known = self.placeholders.get(type_name, {})

        def fill(attribute: Any, value: Any) -> Any:
            if value is not None or not attribute.computed:
                return value
            if attribute.name in known:
                return known[attribute.name]
            return values.known_placeholder(values.attribute_type(attribute), attribute.name)

        return values.map_block(block, config, fill)

    # ---- gRPC plumbing -------------------------------------------------------------------

    def handler(self) -> grpc.GenericRpcHandler:
        """A generic handler serving tfplugin5.Provider's methods that this class defines."""
        methods = {}
        for method in SERVICE.methods:
            request = GetMessageClass(method.input_type)
            response = GetMessageClass(method.output_type)
            serialize = (lambda b: b) if method.name == "GetSchema" else response.SerializeToString
            methods[method.name] = grpc.unary_unary_rpc_method_handler(
                _logged(getattr(self, method.name)),
                request_deserializer=request.FromString,
                response_serializer=serialize,
            )
        return grpc.method_handlers_generic_handler(SERVICE.full_name, methods)


def _logged(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A handler whose exceptions are printed (gRPC would only answer "Unknown")."""

    def call(request: Any, context: Any) -> Any:
        try:
            return handler(request, context)
        except Exception:
            traceback.print_exc()
            raise

    return call


def serve(providers: dict[str, StandInProvider]) -> tuple[list[grpc.Server], dict[str, Any]]:
    """Start one gRPC server per provider address; return them and the reattach JSON."""
    servers, reattach = [], {}
    for address, provider in providers.items():
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        server.add_generic_rpc_handlers((provider.handler(),))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        reattach[address] = {
            "Protocol": "grpc",
            "ProtocolVersion": 5,
            "Pid": os.getpid(),
            "Test": True,  # Terraform leaves the process alone when it is done
            "Addr": {"Network": "tcp", "String": f"127.0.0.1:{port}"},
        }
    return servers, reattach
