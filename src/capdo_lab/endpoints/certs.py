"""Certificates generated at run time (never stored in the repository): a lab CA, and the
emulated endpoints' server certificates signed by it.

The lab estate names the CA certificate (``endpoint_ca`` in estate.yml), so that the endpoint
probes verify the emulations as they verify real endpoints, before sending any credential. The
CA's key stays next to its certificate (mode 0600) and is reused by every lab of that estate.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import os
import ssl
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class LabCA:
    cert_file: Path
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def _load_ca(cert_file: Path, key_file: Path) -> LabCA | None:
    try:
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError):
        return None
    now = dt.datetime.now(dt.UTC)
    if not isinstance(key, rsa.RSAPrivateKey) or cert.not_valid_after_utc < now + dt.timedelta(
        days=1
    ):
        return None
    public = cert.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        return None
    if public.public_numbers() != key.public_key().public_numbers():
        return None
    return LabCA(cert_file, cert, key)


def lab_ca(cert_file: Path) -> LabCA:
    """The lab CA whose certificate is ``cert_file`` (key: same name, ``.key``): loaded when
    it exists and is still valid, else created. Safe when several labs start at once."""
    cert_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_file = cert_file.with_suffix(".key")
    with (cert_file.parent / ".ca.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = _load_ca(cert_file, key_file)
        if existing is not None:
            return existing
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "capdo lab endpoint CA")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        _write_atomic(key_file, _key_pem(key), 0o600)
        _write_atomic(cert_file, cert.public_bytes(serialization.Encoding.PEM), 0o644)
        return LabCA(cert_file, cert, key)


def _write_pair(
    directory: Path,
    stem: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
    key: rsa.RSAPrivateKey,
    ca: LabCA,
) -> tuple[Path, Path]:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"capdo-emulated-{stem}")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.cert.subject)
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
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    cert_path = directory / f"{stem}.crt"
    key_path = directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(_key_pem(key))
    return cert_path, key_path


@dataclass(frozen=True)
class ServerContexts:
    valid: ssl.SSLContext
    expired: ssl.SSLContext
    legacy: ssl.SSLContext
    cert_file: Path
    ca_file: Path


def make_contexts(directory: Path, ca: LabCA | None = None) -> ServerContexts:
    """Server contexts: a valid (1 year) certificate, an expired one, and the valid one with
    TLS 1.0+ allowed; one RSA-2048 key; both certificates signed by ``ca`` (by default a CA
    made for this directory alone)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca = ca or lab_ca(directory / "ca.crt")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    valid = _write_pair(
        directory, "valid", now - dt.timedelta(days=1), now + dt.timedelta(days=365), key, ca
    )
    expired = _write_pair(
        directory, "expired", now - dt.timedelta(days=400), now - dt.timedelta(days=30), key, ca
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

    return ServerContexts(
        context(valid), context(expired), context(valid, True), valid[0], ca.cert_file
    )
