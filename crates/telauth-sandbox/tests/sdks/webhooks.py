"""Judges webhook signatures with SignalWire's own SDK (`signalwire-sdk`'s
`signalwire.core.security`), both ways.

Usage: python webhooks.py < cases.json

Reads a JSON object from standard input:
  {"key": "<the sandbox's signing key>",
   "sandbox": [{"url": ..., "body": ..., "headers": {name: value}, "key": ...}, ...]}
and prints a JSON object:
  {"sandbox": [<the SDK's verdict on each case, true or false>],
   "sdk": [{"name": ..., "url": ..., "body": ..., "headers": {...}, "key": ..., "valid": ...}]}
where "sdk" holds requests signed with the SDK's own construction (its validator's helpers)
together with the SDK's verdict on each: JSON callbacks (SHA-1 and SHA-256), form callbacks with
repeated names, default-port variants, bodySHA256, and each changed in body, URL or key.

The verdict is the SDK's framework-free webhook check (`webhook_middleware.validate`): the
SHA-256 header first, then X-SignalWire-Signature or its X-Twilio-Signature alias.
"""

import hashlib
import json
import sys

from signalwire.core.security import webhook_validator as v
from signalwire.core.security.webhook_middleware import validate


def verdict(case):
    headers = {name.lower(): value for name, value in case["headers"].items()}
    return validate("POST", case["url"], headers, case["body"], signing_key=case["key"]) is None


def sdk_cases(key):
    """Requests signed the SDK's way, each also changed in body, URL and key."""
    cases = []

    def add(name, url, body, headers):
        cases.append({"name": name, "url": url, "body": body, "headers": headers, "key": key})

    url = "https://hooks.example.com/sw/status?leg=1"
    body = json.dumps({"event_type": "calling.call.state", "params": {"call_state": "answered"}})
    add("json sha1", url, body, {"X-SignalWire-Signature": v._hex_hmac_sha1(key, url + body)})
    add("json sha256", url, body,
        {"X-SignalWire-Sha256-Signature": v._hex_hmac_sha256(key, url + body)})
    add("json both", url, body, {
        "X-SignalWire-Signature": v._hex_hmac_sha1(key, url + body),
        "X-SignalWire-Sha256-Signature": v._hex_hmac_sha256(key, url + body),
    })

    form_url = "https://hooks.example.com/voice"
    form = "To=%2B15550001111&From=%2B15552223333&Digits=1&Digits=2&CallSid=CA1&Empty=&Note=a+b%26c"
    params = v._sorted_concat_params(v._parse_form_body(form))
    signed = v._b64_hmac_sha1(key, form_url + params)
    add("form", form_url, form, {"X-SignalWire-Signature": signed})
    add("form twilio alias", form_url, form, {"X-Twilio-Signature": signed})
    add("form, called with :443", "https://hooks.example.com:443/voice", form,
        {"X-SignalWire-Signature": signed})
    with_port = v._b64_hmac_sha1(key, "https://hooks.example.com:443/voice" + params)
    add("form signed with :443", form_url, form, {"X-SignalWire-Signature": with_port})
    http_url = "http://hooks.example.com/voice"
    add("form over http, signed with :80", http_url, form,
        {"X-SignalWire-Signature": v._b64_hmac_sha1(key, "http://hooks.example.com:80/voice" + params)})
    add("form on another port", "https://hooks.example.com:8443/voice", form,
        {"X-SignalWire-Signature": v._b64_hmac_sha1(key, "https://hooks.example.com/voice" + params)})
    swapped = form.replace("Digits=1&Digits=2", "Digits=2&Digits=1")
    add("form with repeated values swapped", form_url, swapped, {"X-SignalWire-Signature": signed})

    compat_body = json.dumps({"CallSid": "CA1"})
    compat_url = form_url + "?bodySHA256=" + hashlib.sha256(compat_body.encode()).hexdigest()
    compat = v._b64_hmac_sha1(key, compat_url)
    add("bodySHA256", compat_url, compat_body, {"X-SignalWire-Signature": compat})
    add("bodySHA256, body changed", compat_url, compat_body.replace("CA1", "CA2"),
        {"X-SignalWire-Signature": compat})
    add("sha256 bad, sha1 good", url, body, {
        "X-SignalWire-Signature": v._hex_hmac_sha1(key, url + body),
        "X-SignalWire-Sha256-Signature": "0" * 64,
    })
    add("no signature", url, body, {})

    changed = []
    for case in cases:
        changed.append(dict(case, name=case["name"] + ", body changed", body=case["body"] + " "))
        changed.append(dict(case, name=case["name"] + ", URL changed", url=case["url"] + "&x=1"
                            if "?" in case["url"] else case["url"] + "?x=1"))
        changed.append(dict(case, name=case["name"] + ", other key", key=key + "-other"))
    return cases + changed


def main():
    request = json.load(sys.stdin)
    sdk = sdk_cases(request["key"])
    for case in sdk:
        case["valid"] = verdict(case)
    print(json.dumps({
        "sandbox": [verdict(case) for case in request["sandbox"]],
        "sdk": sdk,
    }))


if __name__ == "__main__":
    main()
