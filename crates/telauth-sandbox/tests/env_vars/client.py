"""A program configured by its environment alone, as `SandboxInfo::env_vars` gives it: one call
to each provider's origin with its demo credentials. Exits non-zero on any error."""

import base64
import hashlib
import json
import os
import urllib.parse
import urllib.request

# No proxy between this program and the loopback sandbox, whatever the system says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(url, body, content_type="application/json", headers=None):
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("content-type", content_type)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    # A starved sandbox fails the program in seconds rather than hanging it.
    with OPENER.open(request, timeout=10) as answer:
        return answer.status, json.load(answer)


def post_json(url, fields):
    return call(url, json.dumps(fields).encode())


env = os.environ

status, answer = post_json(
    env["TELAUTH_SMSBETA_ORIGIN"] + "/login",
    {
        "mail": env["SMSBETA_MAIL"],
        "password": hashlib.md5(env["SMSBETA_PASSWORD"].encode()).hexdigest(),
    },
)
assert status == 200 and answer["data"]["token"], answer
print("smsbeta", status)

status, answer = post_json(
    env["TELAUTH_VOIPBIN_ORIGIN"] + "/auth/login",
    {"username": env["VOIPBIN_USERNAME"], "password": env["VOIPBIN_PASSWORD"]},
)
assert status == 200 and answer["token"], answer
print("voipbin", status)

status, answer = post_json(
    env["TELAUTH_MOBIVATE_ORIGIN"] + "/auth/getkey",
    {"username": env["MOBIVATE_USERNAME"], "password": env["MOBIVATE_PASSWORD"]},
)
assert status == 200 and answer["apiKey"], answer
print("mobivate", status)

# The origin replaces the space as where the calls go; the space must be given all the same.
assert env["SIGNALWIRE_SPACE"]
project = env["SIGNALWIRE_PROJECT_ID"]
basic = base64.b64encode(f"{project}:{env['SIGNALWIRE_API_TOKEN']}".encode()).decode()
status, answer = call(
    f"{env['TELAUTH_SIGNALWIRE_ORIGIN']}/api/laml/2010-04-01/Accounts/{project}/tokens",
    urllib.parse.urlencode({"name": "env-client", "permissions": "messaging"}).encode(),
    content_type="application/x-www-form-urlencoded",
    headers={"authorization": f"Basic {basic}"},
)
assert status == 200 and answer["token"], answer
print("signalwire", status)
