#!/usr/bin/env python3
"""Detached compact JWS (``header..signature``) with pyca/cryptography and nothing else.

An implementation independent of Signet's and of jose's: the JWK is parsed here, the signature is
checked raw over the RFC 7515 signing input ``B64U(header) "." B64U(payload)``.

    python3 pyca_jws.py verify <public-jwks.json> <payload-file> <value>
    python3 pyca_jws.py sign <EdDSA|ES256|ES512|PS512> <kid> <payload-file>

verify exits 0 when the signature verifies, 1 when it is refused (reason on stderr), 2 on usage or
I/O errors. sign prints {"value": ..., "publicJwks": {"keys": [...]}} as one JSON line.
"""

import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

# alg -> (kty, curve name or None, hash, coordinate bytes for EC)
ALGORITHMS = {
    "EdDSA": ("OKP", "Ed25519", None, None),
    "ES256": ("EC", "P-256", hashes.SHA256, 32),
    "ES512": ("EC", "P-521", hashes.SHA512, 66),
    "PS512": ("RSA", None, hashes.SHA512, None),
}
CURVES = {"P-256": ec.SECP256R1, "P-521": ec.SECP521R1}


class Refused(Exception):
    pass


def b64u_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Strict: unpadded base64url alphabet only, and the canonical spelling of its bytes."""
    if not text or any(c not in _ALPHABET for c in text) or len(text) % 4 == 1:
        raise Refused("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64u_encode(data) != text:
        raise Refused("not canonical base64url")
    return data


_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64u_int(text: str) -> int:
    return int.from_bytes(b64u_decode(text), "big")


def public_key(jwk: dict, alg: str):
    kty, crv, _, size = ALGORITHMS[alg]
    if jwk.get("kty") != kty or (crv is not None and jwk.get("crv") != crv):
        raise Refused(f"key type {jwk.get('kty')}/{jwk.get('crv')} does not fit {alg}")
    if kty == "OKP":
        return ed25519.Ed25519PublicKey.from_public_bytes(b64u_decode(jwk["x"]))
    if kty == "EC":
        if len(b64u_decode(jwk["x"])) != size or len(b64u_decode(jwk["y"])) != size:
            raise Refused("EC coordinates of the wrong length")
        numbers = ec.EllipticCurvePublicNumbers(
            b64u_int(jwk["x"]), b64u_int(jwk["y"]), CURVES[crv]()
        )
        return numbers.public_key()  # raises ValueError for a point not on the curve
    return rsa.RSAPublicNumbers(b64u_int(jwk["e"]), b64u_int(jwk["n"])).public_key()


def verify(jwks: dict, payload: bytes, value: str) -> None:
    parts = value.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise Refused("not a detached compact JWS (header..signature)")
    header = json.loads(b64u_decode(parts[0]))
    if not isinstance(header, dict) or "crit" in header or "b64" in header:
        raise Refused("unsupported header")
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise Refused(f"algorithm {alg!r} not accepted")
    # As buildkite-agent does with a JWKS: the kid selects the key, the key's alg must match.
    matches = [k for k in jwks.get("keys", []) if kid is not None and k.get("kid") == kid]
    if len(matches) != 1:
        raise Refused(f"no single key with kid {kid!r}")
    jwk = matches[0]
    if jwk.get("alg") != alg:
        raise Refused(f"key alg {jwk.get('alg')!r} differs from header alg {alg!r}")
    if jwk.get("use", "sig") != "sig":
        raise Refused("key is not for signatures")
    key = public_key(jwk, alg)
    signature = b64u_decode(parts[2])
    signing_input = (parts[0] + "." + b64u_encode(payload)).encode("ascii")
    _, _, hash_alg, size = ALGORITHMS[alg]
    if alg == "EdDSA":
        key.verify(signature, signing_input)
    elif alg.startswith("ES"):
        # JWS carries R‖S, each exactly the coordinate size (RFC 7518 §3.4), not DER.
        if len(signature) != 2 * size:
            raise Refused("ECDSA signature of the wrong length")
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hash_alg()))
    else:
        key.verify(
            signature,
            signing_input,
            padding.PSS(mgf=padding.MGF1(hash_alg()), salt_length=hash_alg.digest_size),
            hash_alg(),
        )


def sign(alg: str, kid: str, payload: bytes) -> dict:
    kty, crv, hash_alg, size = ALGORITHMS[alg]
    if kty == "OKP":
        private = ed25519.Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        jwk = {"kty": "OKP", "crv": crv, "x": b64u_encode(raw)}
    elif kty == "EC":
        private = ec.generate_private_key(CURVES[crv]())
        n = private.public_key().public_numbers()
        jwk = {
            "kty": "EC",
            "crv": crv,
            "x": b64u_encode(n.x.to_bytes(size, "big")),
            "y": b64u_encode(n.y.to_bytes(size, "big")),
        }
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        n = private.public_key().public_numbers()
        jwk = {
            "kty": "RSA",
            "n": b64u_encode(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
            "e": b64u_encode(n.e.to_bytes((n.e.bit_length() + 7) // 8, "big")),
        }
    jwk.update({"alg": alg, "kid": kid, "use": "sig"})
    header = b64u_encode(json.dumps({"alg": alg, "kid": kid}, separators=(",", ":")).encode())
    signing_input = (header + "." + b64u_encode(payload)).encode("ascii")
    if alg == "EdDSA":
        signature = private.sign(signing_input)
    elif kty == "EC":
        r, s = decode_dss_signature(private.sign(signing_input, ec.ECDSA(hash_alg())))
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    else:
        signature = private.sign(
            signing_input,
            padding.PSS(mgf=padding.MGF1(hash_alg()), salt_length=hash_alg.digest_size),
            hash_alg(),
        )
    return {"value": header + ".." + b64u_encode(signature), "publicJwks": {"keys": [jwk]}}


def main(argv: list) -> int:
    try:
        if len(argv) == 4 and argv[0] == "verify":
            with open(argv[1], encoding="utf-8") as f:
                jwks = json.load(f)
            with open(argv[2], "rb") as f:
                payload = f.read()
            try:
                verify(jwks, payload, argv[3])
            except (Refused, InvalidSignature, ValueError, KeyError, TypeError) as e:
                print(f"refused: {type(e).__name__}: {e}", file=sys.stderr)
                return 1
            return 0
        if len(argv) == 4 and argv[0] == "sign" and argv[1] in ALGORITHMS:
            with open(argv[3], "rb") as f:
                payload = f.read()
            print(json.dumps(sign(argv[1], argv[2], payload)))
            return 0
    except OSError as e:
        print(f"cannot read input: {e}", file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
