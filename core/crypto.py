"""National commercial cryptography primitives (GB/T 39786-2021) from the `cryptography` package.

SM3 gives integrity digests for the audit ledger and stored documents; SM4 (CBC + PKCS7) is
offered for confidentiality of important data at rest.
"""

import hashlib
import os

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def sm3_hex(data: bytes) -> str:
    """Return the SM3 digest of ``data`` as 64 lowercase hex characters."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sm4_encrypt(key: bytes, plaintext: bytes) -> bytes:
    """Encrypt with SM4-CBC; the random 16-byte IV is prepended to the ciphertext."""
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    return iv + encryptor.update(padded) + encryptor.finalize()


def sm4_decrypt(key: bytes, blob: bytes) -> bytes:
    iv, body = blob[:16], blob[16:]
    decryptor = Cipher(algorithms.SM4(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(body) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()
