"""A client generated from the OpenAPI document (openapi-python-client) works: it is generated
without a warning (no operation left out, no component it cannot read) and every read operation
called through it answers a status the document declares, parsed into the declared model.

The client talks to the app through httpx's WSGI transport rather than a live server, so that it
reads the demo city seeded inside this module's transaction, with real ids in the paths."""

import importlib
import inspect
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.wsgi import get_wsgi_application

from core.xlsx import XLSX_TYPE
from govit.api import api

pytestmark = pytest.mark.usefixtures("connection_kept_across_requests")

PACKAGE = "govit_client"
#: the generator reads binary bodies only as application/octet-stream
CONFIG = {"content_type_overrides": {XLSX_TYPE: "application/octet-stream"}}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated once for the module from the API's document."""
    folder = tmp_path_factory.mktemp("client")
    document = folder / "openapi.json"
    document.write_text(json.dumps(api.get_openapi_schema(), default=str), encoding="utf-8")
    config = folder / "config.json"
    config.write_text(json.dumps(CONFIG), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            bin_dir / "openapi-python-client",
            "generate",
            "--path",
            document,
            "--config",
            config,
            "--output-path",
            folder / PACKAGE,
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE), result.stdout + result.stderr
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def read_operations(package):
    """(url template, sync_detailed) of every GET operation of the generated client."""
    found = []
    api_package = importlib.import_module(f"{package.__name__}.api")
    for info in pkgutil.walk_packages(api_package.__path__, f"{api_package.__name__}."):
        module = importlib.import_module(info.name)
        if not hasattr(module, "sync_detailed"):
            continue
        source = inspect.getsource(module._get_kwargs)
        if '"method": "get"' in source:
            found.append((re.search(r'"url": "([^"]+)"', source).group(1), module.sync_detailed))
    return sorted(found, key=lambda op: (op[0].count("{"), op[0]))


class Harvest:
    """Values for path parameters, read from the answers of the operations called before:
    ``/api/x/{id}`` takes the first item of ``/api/x``; otherwise any field of that name."""

    def __init__(self):
        self.answers: dict[str, object] = {}

    def record(self, url: str, body: object) -> None:
        self.answers[url] = body

    def value(self, url: str, name: str):
        prefix = url[: url.index("{" + name + "}")].rstrip("/")
        for item in self._items(self.answers.get(prefix)):
            if isinstance(item, dict) and (found := item.get(name, item.get("id"))) is not None:
                return found
        for body in self.answers.values():
            for item in self._items(body):
                if isinstance(item, dict) and item.get(name) is not None:
                    return item[name]
        return None

    @staticmethod
    def _items(body):
        if isinstance(body, dict):
            yield body
            yield from body.get("items", []) if isinstance(body.get("items"), list) else []
        elif isinstance(body, list):
            yield from body


def test_the_client_is_generated_without_warnings(generated):
    _package, output = generated
    assert "WARNING" not in output, output


def test_every_read_operation_through_the_generated_client(generated, auditor_token, db):
    package, _output = generated
    client_module = importlib.import_module(f"{package.__name__}.client")
    client = client_module.AuthenticatedClient(
        base_url="http://testserver",
        token=auditor_token,
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.WSGITransport(app=get_wsgi_application())},
    )
    operations = read_operations(package)
    assert len(operations) >= 70
    harvest, answered = Harvest(), {}
    for url, call in operations:
        names = re.findall(r"{(\w+)}", url)
        kwargs = {name: harvest.value(url, name) for name in names}
        signature = inspect.signature(call)
        kwargs = {
            name: signature.parameters[name].annotation(value) if value is not None else 1
            for name, value in kwargs.items()
        }
        response = call(client=client, **kwargs)
        status = int(response.status_code)
        assert 200 <= status < 300 or 400 <= status < 500, (url, kwargs, response.content)
        assert response.parsed is not None, (url, kwargs, status, response.content[:300])
        answered[url] = status
        if 200 <= status < 300 and response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            harvest.record(url, json.loads(response.content))
    ok = [url for url, status in answered.items() if status < 300]
    # the demo city has something behind nearly every path: the calls were real, not 404s
    assert len(ok) >= 0.8 * len(answered), {u: s for u, s in answered.items() if s >= 300}
