"""The association's seal: an invisible PAdES B-B signature on every issued PDF.

In production the key and certificate come from a PKCS#12 file (SIGNING_PKCS12_PATH,
SIGNING_PKCS12_PASSWORD). Without one, a development key and a self-signed certificate
are generated into instance/dev-signing.p12 on first use, so that every checkout can
issue and verify documents; that file is never committed (instance/ is ignored).

pyHanko is imported on first use: the import costs about 0.35 s.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asn1crypto import x509
    from pyhanko.sign.signers import SimpleSigner

SEAL_FIELD = "AssociationSeal"
SEAL_REASON = "Issued by the Association of Modern Technoparks of the Organization of Turkic States"
DEV_SEAL_FILENAME = "dev-signing.p12"
DEV_SEAL_COMMON_NAME = "Association of Modern Technoparks (development seal)"
DEV_SEAL_YEARS = 10

_signers: dict[str, SimpleSigner] = {}
_signers_lock = threading.Lock()


class SealUnavailable(RuntimeError):
    """The association's signing key cannot be loaded; the message says what to fix."""


def load_signer(config: Mapping, instance_path: Path) -> SimpleSigner:
    """The association's signer, loaded once per file per process.

    From SIGNING_PKCS12_PATH (relative paths are inside instance_path) with
    SIGNING_PKCS12_PASSWORD when the path is set; a missing file or a wrong password
    raises SealUnavailable naming the setting to fix. Otherwise the development seal in
    instance_path/dev-signing.p12, created on first use: when two processes start at
    once, both end up with the same key.
    """
    configured = config.get("SIGNING_PKCS12_PATH")
    if configured:
        path = Path(configured)
        if not path.is_absolute():
            path = Path(instance_path) / path
        password = config.get("SIGNING_PKCS12_PASSWORD")
    else:
        path = Path(instance_path) / DEV_SEAL_FILENAME
        password = None
    key = str(path.resolve())
    with _signers_lock:
        signer = _signers.get(key)
        if signer is None:
            if not configured:
                _ensure_development_seal(path)
            signer = _load_pkcs12(
                path, password, setting="SIGNING_PKCS12_PATH" if configured else None
            )
            _signers[key] = signer
        return signer


def seal_pdf(
    pdf: bytes, signer: SimpleSigner, *, reason: str = SEAL_REASON, location: str | None = None
) -> bytes:
    """The PDF with the association's seal appended as an incremental update.

    The seal is an invisible PAdES B-B signature in the field AssociationSeal; it covers
    the whole file, so any later change shows in every PDF reader and in check_pdf. The
    result differs on every call (the signature carries the time): seal once, store the
    bytes, never seal again to "reproduce" a document.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=reason,
        location=location,
        name="Association of Modern Technoparks",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    output = outside_event_loop(
        signers.sign_pdf,
        writer,
        metadata,
        signer=signer,
        bytes_reserved=_space_for_signature(signer),
    )
    return output.getvalue()


def outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which start an event loop of their own
    (asyncio.run): in a short-lived thread when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _space_for_signature(signer: SimpleSigner) -> int:
    # Left to itself pyHanko sizes the signature by signing once as a trial, and every
    # RSA signature reloads (and re-validates) the private key: about 40 ms each. The
    # certificates plus 4 KB (an RSA-4096 signature and the signed attributes with room
    # to spare) always fit; a B-T timestamp would need about 6 KB more. pyHanko counts
    # the reserved space in hex digits: two per byte.
    certificates = [signer.signing_cert, *signer.cert_registry]
    return 2 * (4096 + sum(len(certificate.dump()) for certificate in certificates))


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, in lower-case hex: how we tell our seal apart."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def _load_pkcs12(path: Path, password: str | bytes | None, *, setting: str | None) -> SimpleSigner:
    from pyhanko.sign.signers import SimpleSigner

    where = f"{setting}={path}" if setting else str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SealUnavailable(
            f"The association's signing certificate ({where}) does not exist."
        ) from None
    except OSError as error:
        raise SealUnavailable(
            f"The association's signing certificate ({where}) cannot be read: {error}."
        ) from None
    if isinstance(password, str):
        password = password.encode()
    try:
        return SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password or None)
    except ValueError:
        raise SealUnavailable(
            f"The association's signing certificate ({where}) could not be opened: "
            "the password (SIGNING_PKCS12_PASSWORD) is wrong, or the file is not a PKCS#12 (.p12/.pfx) file "
            "with a private key."
        ) from None


def _ensure_development_seal(path: Path) -> None:
    """Create the development key and certificate at path unless it exists; never replace one."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _development_pkcs12()
    # Written whole under a private temporary name, then linked into place: a link never
    # replaces an existing file, so of two processes starting at once exactly one wins
    # and the other reads the winner's key. Nobody ever sees half a file.
    fd, temporary = tempfile.mkstemp(prefix=".dev-signing-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def _development_pkcs12() -> bytes:
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    # RSA rather than EC: every PDF reader verifies RSA signatures. 2048 bits keeps the
    # first start (and each test's fresh instance folder) quick; production brings its own key.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = cx509.Name(
        [
            cx509.NameAttribute(NameOID.COMMON_NAME, DEV_SEAL_COMMON_NAME),
            cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Association of Modern Technoparks"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * DEV_SEAL_YEARS))
        .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            cx509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(cx509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=DEV_SEAL_COMMON_NAME.encode(),
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=serialization.NoEncryption(),
    )
