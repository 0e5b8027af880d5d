"""Verifies a DSSE envelope with pyca/cryptography, sharing no code with Signet.

    python3 pyca_dsse.py ENVELOPE.json PUBLIC.pem [PAYLOAD_TYPE]

Builds PAE from the envelope itself (DSSE protocol.md) and checks the signature with the PEM key:
ECDSA (DER, hash by curve), Ed25519, or RSA-PSS (MGF1 and salt length of SHA-256). Exit 0 when a
signature verifies, 1 when none does, 2 for usage errors.
"""
import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa


def b64(s):
    s = s.replace('-', '+').replace('_', '/')
    return base64.b64decode(s + '=' * (-len(s) % 4), validate=True)


def pae(payload_type, body):
    t = payload_type.encode('utf-8')
    return b'DSSEv1 %d %s %d %s' % (len(t), t, len(body), body)


def verify(key, message, sig):
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(sig, message)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            h = {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[key.curve.key_size]
            key.verify(sig, message, ec.ECDSA(h))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(sig, message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                       hashes.SHA256())
        else:
            return False
        return True
    except InvalidSignature:
        return False


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    env = json.load(open(sys.argv[1], encoding='utf-8'))
    if 'dsseEnvelope' in env:
        env = env['dsseEnvelope']
    key = serialization.load_pem_public_key(open(sys.argv[2], 'rb').read())
    if len(sys.argv) > 3 and env['payloadType'] != sys.argv[3]:
        print('unexpected payloadType', file=sys.stderr)
        return 1
    message = pae(env['payloadType'], b64(env['payload']))
    if any(verify(key, message, b64(s['sig'])) for s in env['signatures']):
        print('verified')
        return 0
    print('no signature verifies', file=sys.stderr)
    return 1


sys.exit(main())
