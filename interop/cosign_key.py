"""cosign.key encryption and decryption with PyNaCl and hashlib.scrypt, sharing no code with Signet
(go-securesystemslib's `encrypted` format: scrypt + NaCl secretbox over PKCS#8 DER).

    python3 cosign_key.py generate p256|p384|p521|ed25519|rsa2048   -> PKCS#8 PEM on stdout
    python3 cosign_key.py encrypt PKCS8.pem N LABEL                 -> cosign.key on stdout
    python3 cosign_key.py decrypt cosign.key                        -> JSON {pkcs8, spki} (base64)

The password is read from COSIGN_PASSWORD. LABEL is SIGSTORE or COSIGN. Exit 1 when a key does
not decrypt, 2 for usage errors.
"""
import base64
import hashlib
import json
import os
import re
import sys

import nacl.exceptions
import nacl.secret
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

MAXMEM = 256 * 1024 * 1024


def password():
    return os.environ.get('COSIGN_PASSWORD', '').encode('utf-8')


def generate(kind):
    key = {
        'p256': lambda: ec.generate_private_key(ec.SECP256R1()),
        'p384': lambda: ec.generate_private_key(ec.SECP384R1()),
        'p521': lambda: ec.generate_private_key(ec.SECP521R1()),
        'ed25519': ed25519.Ed25519PrivateKey.generate,
        'rsa2048': lambda: rsa.generate_private_key(65537, 2048),
    }[kind]()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def encrypt(pkcs8_pem, n, label):
    der = serialization.load_pem_private_key(pkcs8_pem, None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    salt, nonce = os.urandom(32), os.urandom(24)
    key = hashlib.scrypt(password(), salt=salt, n=n, r=8, p=1, maxmem=MAXMEM, dklen=32)
    ct = nacl.secret.SecretBox(key).encrypt(der, nonce).ciphertext
    doc = {"kdf": {"name": "scrypt", "params": {"N": n, "r": 8, "p": 1},
                   "salt": base64.b64encode(salt).decode()},
           "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
           "ciphertext": base64.b64encode(ct).decode()}
    b = base64.b64encode(json.dumps(doc, separators=(',', ':')).encode()).decode()
    name = 'ENCRYPTED %s PRIVATE KEY' % label
    return ('-----BEGIN %s-----\n' % name + '\n'.join(b[i:i + 64] for i in range(0, len(b), 64))
            + '\n-----END %s-----\n' % name)


def decrypt(text):
    m = re.search(r'-----BEGIN (ENCRYPTED (?:SIGSTORE|COSIGN) PRIVATE KEY)-----(.*?)-----END', text, re.S)
    doc = json.loads(base64.b64decode(''.join(m.group(2).split())))
    assert doc['kdf']['name'] == 'scrypt' and doc['cipher']['name'] == 'nacl/secretbox'
    p = doc['kdf']['params']
    key = hashlib.scrypt(password(), salt=base64.b64decode(doc['kdf']['salt']), n=p['N'], r=p['r'],
                         p=p['p'], maxmem=MAXMEM, dklen=32)
    der = nacl.secret.SecretBox(key).decrypt(base64.b64decode(doc['ciphertext']),
                                             base64.b64decode(doc['cipher']['nonce']))
    pub = serialization.load_der_private_key(der, None).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return json.dumps({"pkcs8": base64.b64encode(der).decode(), "spki": base64.b64encode(pub).decode()})


def main():
    args = sys.argv[1:]
    if args[:1] == ['generate'] and len(args) == 2:
        print(generate(args[1]), end='')
    elif args[:1] == ['encrypt'] and len(args) == 4:
        print(encrypt(open(args[1], 'rb').read(), int(args[2]), args[3]), end='')
    elif args[:1] == ['decrypt'] and len(args) == 2:
        try:
            print(decrypt(open(args[1], encoding='ascii').read()))
        except nacl.exceptions.CryptoError:
            print('does not decrypt', file=sys.stderr)
            return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


sys.exit(main())
