"""The OpenAPI document names each schema once. Ninja moves every operation's definitions into
``components.schemas`` by class name and silently keeps the last one, so two schema classes of
the same name would leave some operations described by the other class's schema (and a client
generated from the document would fail on them)."""

import json
from collections import defaultdict

from ninja import NinjaAPI, Router, Schema
from ninja.openapi.schema import OpenAPISchema

from core.xlsx import XLSX_TYPE
from govit.api import api


def definitions_by_name(monkeypatch, ninja_api, **kwargs) -> dict[str, set[str]]:
    """Every definition each operation contributes, before ninja merges them: name -> the
    distinct schemas (as canonical JSON) that came under that name."""
    seen: dict[str, set[str]] = defaultdict(set)
    merge = OpenAPISchema.add_schema_definitions

    def recording(self, definitions):
        for name, definition in definitions.items():
            seen[name].add(json.dumps(definition, sort_keys=True, default=str))
        merge(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    ninja_api.get_openapi_schema(**kwargs)
    return seen


def collisions(seen: dict[str, set[str]]) -> list[str]:
    # a class reused by several operations gives the same schema each time: not a collision
    return sorted(name for name, schemas in seen.items() if len(schemas) > 1)


def test_no_two_schemas_share_a_component_name(monkeypatch):
    seen = definitions_by_name(monkeypatch, api)
    assert len(seen) > 200  # the walk saw the whole API
    assert collisions(seen) == []


def test_a_shared_name_is_detected(monkeypatch):
    """The check above can fail: two routers with their own ``ItemOut``."""

    def router_with_item(field: str, path: str) -> Router:
        item = type("ItemOut", (Schema,), {"__annotations__": {field: str}})
        wrapper = type("ListOut", (Schema,), {"__annotations__": {"items": list[item]}})
        router = Router()
        router.get(path, response=wrapper)(lambda request: {"items": []})
        return router

    probe = NinjaAPI(urls_namespace="collision-probe")
    probe.add_router("/a", router_with_item("name", "/one"))
    probe.add_router("/b", router_with_item("code", "/two"))
    seen = definitions_by_name(monkeypatch, probe, path_prefix="/probe/")
    assert collisions(seen) == ["ItemOut"]
    # and ninja kept one of them in the document, without a word: /a/one is described wrongly
    kept = probe.get_openapi_schema(path_prefix="/probe/")["components"]["schemas"]["ItemOut"]
    assert set(kept["properties"]) == {"code"}


def test_xlsx_exports_declare_a_binary_response():
    """Each export answers a spreadsheet, and says so: a generated client reads it as a file."""
    paths = api.get_openapi_schema()["paths"]
    exports = {path: ops["get"] for path, ops in paths.items() if path.endswith("/export")}
    assert len(exports) >= 4
    for path, operation in exports.items():
        content = operation["responses"][200]["content"]
        assert content == {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}, path
