"""Self-signed certificates generated at run time (never stored in the repository)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _write_pair(
    directory: Path,
    stem: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
    key: rsa.RSAPrivateKey,
) -> tuple[Path, Path]:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"capdo-emulated-{stem}")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / f"{stem}.crt"
    key_path = directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass(frozen=True)
class ServerContexts:
    valid: ssl.SSLContext
    expired: ssl.SSLContext
    legacy: ssl.SSLContext
    cert_file: Path


def make_contexts(directory: Path) -> ServerContexts:
    """Server contexts: a valid (1 year) certificate, an expired one, and the valid one with
    TLS 1.0+ allowed; one RSA-2048 key."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    valid = _write_pair(
        directory, "valid", now - dt.timedelta(days=1), now + dt.timedelta(days=365), key
    )
    expired = _write_pair(
        directory, "expired", now - dt.timedelta(days=400), now - dt.timedelta(days=30), key
    )

    def context(pair: tuple[Path, Path], legacy: bool = False) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if legacy:  # an old firmware's web server: TLS 1.0 and old ciphers still accepted
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
                ctx.minimum_version = ssl.TLSVersion.TLSv1
        else:
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(*pair)
        return ctx

    return ServerContexts(context(valid), context(expired), context(valid, True), valid[0])
