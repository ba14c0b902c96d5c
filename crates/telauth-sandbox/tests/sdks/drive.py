"""Runs the providers' own Python clients through each provider's main flow against the sandbox.

Usage: python drive.py '<the sandbox's first line>'

The first line is the JSON object `telauth-sandbox` prints (or `Sandbox::info()` serialized); each
provider's `host` there is where its SDK goes, unchanged:
- SignalWire, with `signalwire-sdk`'s HttpClient built by `RestClient()` from
  SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN and SIGNALWIRE_SPACE=<host> (plain http because the
  host is loopback): create a project token, update it, update it again authenticated by the
  token it created, refuse a wrong permission and a wrong API token, delete it, delete it again.
- VoIPBIN, with `voipbin-mcp`'s VoIPbinClient built from VOIPBIN_API_KEY,
  VOIPBIN_API_BASE_URL=http://<host>/v1.0 and VOIPBIN_AUTH_TRANSPORT (cookie, then query): create
  an access key, list, get, replace with PUT, delete, see the deleted key refused, and see a wrong
  key refused. The client cannot log in, so the key it starts with is made with plain HTTP: a
  login, then a key created with the JWT.

Every check is an assert: the script exits 0 when all hold, non-zero otherwise.
"""

import asyncio
import json
import os
import sys
import urllib.request
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

TIMEOUT = 10


def check_pins():
    """The installed SDKs are the versions requirements.txt pins."""
    here = Path(__file__).resolve().parent
    for line in (here / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, pinned = line.split("==")
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            sys.exit(
                f"{name} {installed or '(none)'} is installed but requirements.txt pins {pinned}: "
                f"remove the venv (rm -rf target/python-sdks) and install it again"
            )


def http_json(method, url, body=None, headers=None):
    """Plain HTTP for what the SDKs cannot do (VoIPBIN's login); answers the JSON body."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        assert response.status == 200, response.status
        return json.loads(response.read())


def signalwire(info):
    from signalwire.rest import RequestOptions, RestClient, SignalWireRestError

    account = info["signalwire"]
    project = account["project_id"]
    os.environ["SIGNALWIRE_PROJECT_ID"] = project
    os.environ["SIGNALWIRE_API_TOKEN"] = account["api_token"]
    os.environ["SIGNALWIRE_SPACE"] = account["host"]
    options = RequestOptions(timeout=TIMEOUT)
    http = RestClient(request_options=options)._http
    assert http._base_url == f"http://{account['host']}", http._base_url
    # The paths of signalwire-sdk 3.0.2's `compat.tokens` (CompatNamespace: the project id is
    # the AccountSid).
    tokens = f"/api/laml/2010-04-01/Accounts/{project}/tokens"

    created = http.post(tokens, body={"name": "sdk", "permissions": ["calling", "management"]})
    assert set(created) == {"id", "name", "permissions", "token"}, created
    assert created["name"] == "sdk", created
    assert created["permissions"] == ["calling", "management"], created
    token_id = created["id"]

    renamed = http.patch(f"{tokens}/{token_id}", body={"name": "sdk renamed"})
    assert renamed["name"] == "sdk renamed", renamed
    assert renamed["permissions"] == ["calling", "management"], renamed

    # The token it created has `management`: it authenticates the next call.
    own = RestClient(token=created["token"], request_options=options)._http
    widened = own.patch(
        f"{tokens}/{token_id}", body={"permissions": ["calling", "management", "messaging"]}
    )
    assert widened["name"] == "sdk renamed", widened
    assert widened["permissions"] == ["calling", "management", "messaging"], widened

    try:
        http.patch(f"{tokens}/{token_id}", body={"permissions": ["teleport"]})
        raise AssertionError("a permission SignalWire does not have was accepted")
    except SignalWireRestError as error:
        assert error.status_code == 422, error
        assert error.body["code"] == "10003", error.body
        assert error.body["attribute"] == "permissions", error.body

    stranger = RestClient(token="PTnot-a-token", request_options=options)._http
    try:
        stranger.post(tokens, body={"name": "x", "permissions": ["calling"]})
        raise AssertionError("a wrong API token was accepted")
    except SignalWireRestError as error:
        assert error.status_code == 401, error
        assert error.body["code"] == 20003, error.body

    assert http.delete(f"{tokens}/{token_id}") == {}
    try:
        http.delete(f"{tokens}/{token_id}")
        raise AssertionError("a deleted token was deleted again")
    except SignalWireRestError as error:
        assert error.status_code == 404, error
        assert error.body["code"] == 20404, error.body
    print("signalwire-sdk: create, update, update with the new token, 422, 401, delete, 404")


async def voipbin_flow(base_url, key, transport):
    from voipbin_mcp.client import VoIPbinAPIError, VoIPbinClient

    os.environ["VOIPBIN_API_BASE_URL"] = base_url
    os.environ["VOIPBIN_AUTH_TRANSPORT"] = transport
    os.environ["VOIPBIN_API_KEY"] = key
    client = VoIPbinClient()
    try:
        created = await client.post(
            "/accesskeys",
            json={"name": f"mcp {transport}", "detail": "from voipbin-mcp", "expire": 86400},
        )
        assert created["token"].startswith("vb_"), created
        assert created["token_prefix"] == created["token"][:7], created
        assert created["name"] == f"mcp {transport}", created
        key_id = created["id"]

        page = await client.get("/accesskeys", params={"page_size": 100})
        listed = {item["id"]: item for item in page["result"]}
        assert key_id in listed, page
        assert "token" not in listed[key_id], "a list shows no secret"
        assert page["next_page_token"] != "", page

        got = await client.get(f"/accesskeys/{key_id}")
        assert (got["name"], got["detail"]) == (f"mcp {transport}", "from voipbin-mcp"), got
        assert "token" not in got and got["tm_delete"] is None, got

        # PUT replaces both fields: the detail left out is cleared.
        replaced = await client.put(f"/accesskeys/{key_id}", json={"name": "renamed"})
        assert replaced["name"] == "renamed" and "detail" not in replaced, replaced
        assert replaced["tm_update"] is not None, replaced

        deleted = await client.delete(f"/accesskeys/{key_id}")
        assert deleted["id"] == key_id and deleted["tm_delete"] is not None, deleted
        try:
            await client.get(f"/accesskeys/{key_id}")
            raise AssertionError("a deleted key was read")
        except VoIPbinAPIError as error:
            assert error.status_code == 409, error
            assert error.reason == "STATE_INVALID", error
    finally:
        await client.close()

    os.environ["VOIPBIN_API_KEY"] = "vb_not-a-key"
    stranger = VoIPbinClient()
    try:
        await stranger.get("/accesskeys")
        raise AssertionError("a wrong access key was accepted")
    except VoIPbinAPIError as error:
        assert error.status_code == 401, error
        assert error.reason == "INVALID_CREDENTIALS", error
    finally:
        await stranger.close()


def voipbin(info):
    account = info["voipbin"]
    root = f"http://{account['host']}"
    login = http_json(
        "POST",
        f"{root}/auth/login",
        {"username": account["username"], "password": account["password"]},
    )
    key = http_json(
        "POST",
        f"{root}/v1.0/accesskeys",
        {"name": "driver", "expire": 86400},
        {"Authorization": f"Bearer {login['token']}"},
    )["token"]
    for transport in ("cookie", "query"):
        asyncio.run(voipbin_flow(f"{root}/v1.0", key, transport))
    print("voipbin-mcp: create, list, get, put, delete, 409, 401; by cookie and by query")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: drive.py '<the sandbox's first line (JSON)>'")
    check_pins()
    info = json.loads(sys.argv[1])
    signalwire(info)
    voipbin(info)


if __name__ == "__main__":
    main()
