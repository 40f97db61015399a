#!/usr/bin/env python3
"""Independent check of gp1-vectors.json (standard library only).

Re-implements the GP1 health code of CONTRACT §5 from its description, not from the Swift code:

    "GP1:" + base32 (RFC 4648, upper case, no padding, canonical) of
    version(1)=1 person(8) colour(1: 1 green, 2 yellow, 3 red) status_version(u32)
    issued_at(u64) expires_at(u64) key_id(u16)  -- big-endian, 32 bytes
    + HMAC-SHA256(secret of key_id, those 32 bytes)[:16]

Checks in order: malformed -> unknown_key -> bad_signature -> expired (now >= expires_at)
-> not_yet_valid (issued_at > now + allowed_skew, default 300).
For cases with "sign", it also signs the fields and compares the code.

Usage: python3 check_vectors.py [gp1-vectors.json]   (exit status 1 on any disagreement)
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys

PREFIX = "GP1:"
COLORS = {1: "green", 2: "yellow", 3: "red"}
BODY = struct.Struct(">B8sBIQQH")  # 32 bytes
TAG = 16


def b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def b32decode_canonical(text: str):
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in text):
        return None
    try:
        data = base64.b32decode(text + "=" * (-len(text) % 8), casefold=False)
    except (ValueError, base64.binascii.Error):
        return None
    # Canonical: re-encoding gives the same text (rejects bad lengths and non-zero trailing bits).
    return data if b32encode(data) == text else None


def sign(fields, secret: bytes) -> str:
    body = BODY.pack(1, bytes.fromhex(fields["person"]), {v: k for k, v in COLORS.items()}[fields["color"]],
                     fields["status_version"], fields["issued_at"], fields["expires_at"], fields["key_id"])
    return PREFIX + b32encode(body + hmac.new(secret, body, hashlib.sha256).digest()[:TAG])


def verify(code: str, keys, now: int, skew: int):
    if not code.startswith(PREFIX):
        return ("invalid", "malformed")
    data = b32decode_canonical(code[len(PREFIX):])
    if data is None or len(data) != BODY.size + TAG:
        return ("invalid", "malformed")
    version, person, color, status, issued, expires, key_id = BODY.unpack(data[:BODY.size])
    if version != 1 or color not in COLORS or issued >= 2**63 or expires >= 2**63:
        return ("invalid", "malformed")
    key = keys.get(key_id)
    if key is None or key["purpose"] != "health-codes":
        return ("invalid", "unknown_key")
    expected = hmac.new(bytes.fromhex(key["secret"]), data[:BODY.size], hashlib.sha256).digest()[:TAG]
    if not hmac.compare_digest(expected, data[BODY.size:]):
        return ("invalid", "bad_signature")
    if now >= expires:
        return ("invalid", "expired")
    if issued > now + skew:
        return ("invalid", "not_yet_valid")
    return ("valid", {"person": person.hex(), "color": COLORS[color], "status_version": status,
                      "issued_at": issued, "expires_at": expires, "key_id": key_id})


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "gp1-vectors.json")
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)
    failures = 0
    for case in cases:
        keys = {k["id"]: k for k in case["keys"]}
        problems = []
        if len(case["code"]) > 90 and case["expect"]["result"] == "valid":
            problems.append(f"valid code longer than 90 characters ({len(case['code'])})")
        if "sign" in case:
            signer = keys[case["sign"]["key_id"]]
            signed = sign(case["sign"], bytes.fromhex(signer["secret"]))
            if signed != case["code"]:
                problems.append(f"signing gives {signed}")
        result, detail = verify(case["code"], keys, case["now"], case.get("allowed_skew", 300))
        expect = case["expect"]
        if result != expect["result"]:
            problems.append(f"verifies as {result} ({detail})")
        elif result == "valid" and detail != expect["payload"]:
            problems.append(f"decodes to {detail}")
        elif result == "invalid" and detail != expect["reason"]:
            problems.append(f"fails with {detail}, expected {expect['reason']}")
        if problems:
            failures += 1
            print(f"FAIL {case['name']}: " + "; ".join(problems))
    print(f"{len(cases) - failures}/{len(cases)} GP1 vectors agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
