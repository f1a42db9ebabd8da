"""Checking a PDF someone hands us: is it ours, and is it unchanged since we sealed it?"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from association.documents.seal import certificate_fingerprint

if TYPE_CHECKING:
    from asn1crypto import x509

log = logging.getLogger(__name__)

ISSUED_AND_UNCHANGED = "Sealed by the association and unchanged since."
SEALED_BUT_ALTERED = (
    "Sealed by the association, but altered since: this is not the document as issued."
)
NOT_ISSUED = (
    "Altered or not issued by the association: it does not carry the association's intact seal."
)


@dataclass(frozen=True)
class PdfCheck:
    """What check_pdf found out about one file."""

    sha256: str
    signature_present: bool = False
    # The seal validates and covers the whole file: nothing appended, no signed byte changed.
    # (CMS has a few fields no signature covers; whether a file is byte for byte the one
    # issued is the register's answer, by SHA-256: see service.verify_upload.)
    intact: bool = False
    # The seal was made with the association's certificate (same SHA-256 fingerprint).
    signed_by_association: bool = False
    verdict: str = NOT_ISSUED

    @property
    def issued_and_unchanged(self) -> bool:
        return self.signed_by_association and self.intact


def check_pdf(pdf: bytes, trusted_cert: x509.Certificate) -> PdfCheck:
    """Check a PDF against the association's certificate (an asn1crypto Certificate); never raises.

    Any file at all may come in: not a PDF, truncated, one byte changed, signed by
    someone else. Whatever pyHanko or the PDF parser make of it, the answer is a
    PdfCheck; a file that cannot be read is "altered or not issued by the association".
    The association's seal counts only when its signature validates, its certificate is
    ours (fingerprint) and trusted as the root, and it covers the whole file.
    """
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        return _check(pdf, digest, trusted_cert)
    except ImportError:
        # A broken installation must fail loudly, not make every document look forged.
        raise
    except Exception:
        # pyHanko, pypdf-style parsing and asn1crypto raise a dozen kinds of error on a
        # damaged file (PdfReadError, PdfStreamError, SignatureValidationError, ValueError,
        # KeyError...): for a verification page they all mean the same thing.
        log.info("PDF %s could not be checked", digest, exc_info=True)
        return PdfCheck(sha256=digest)


def _check(pdf: bytes, digest: str, trusted_cert: x509.Certificate) -> PdfCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from association.documents.seal import outside_event_loop

    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        return PdfCheck(sha256=digest)
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:
        return PdfCheck(sha256=digest)

    ours = certificate_fingerprint(trusted_cert)
    # Ours is the last signature made with our certificate: a later one would be an
    # incremental update after the seal, which the coverage check below catches anyway.
    sealed = [sig for sig in signatures if certificate_fingerprint(sig.signer_cert) == ours]
    if not sealed:
        return PdfCheck(sha256=digest, signature_present=True)
    seal = sealed[-1]
    context = ValidationContext(trust_roots=[trusted_cert], allow_fetching=False)
    try:
        status = outside_event_loop(validate_pdf_signature, seal, signer_validation_context=context)
    except SignatureValidationError:
        log.info("PDF %s: the association's seal does not validate", digest, exc_info=True)
        return PdfCheck(
            sha256=digest,
            signature_present=True,
            signed_by_association=True,
            verdict=SEALED_BUT_ALTERED,
        )
    intact = bool(
        status.intact
        and status.valid
        and status.trusted
        and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        and _padding_untouched(seal.pkcs7_content)
    )
    return PdfCheck(
        sha256=digest,
        signature_present=True,
        intact=intact,
        signed_by_association=True,
        verdict=ISSUED_AND_UNCHANGED if intact else SEALED_BUT_ALTERED,
    )


def _padding_untouched(contents: bytes) -> bool:
    """True when the signature's reserved space after the CMS structure is still all zeros.

    The signature cannot cover its own hole in the file, and the CMS parser ignores what
    follows the structure: without this, a byte changed there would leave a file whose
    SHA-256 differs from the issued one but which still "validates".
    """
    from asn1crypto import cms

    length = len(cms.ContentInfo.load(contents, strict=False).dump())
    return not contents[length:].strip(b"\0")


def readable_pdf(data: bytes) -> bool:
    """Whether `data` is a PDF by content: the %PDF- header, and pypdf can open it and find a
    page. For uploads, so that a file merely named .pdf (or starting with %PDF) is refused."""
    if not data.startswith(b"%PDF-"):
        return False
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(BytesIO(data)).pages) > 0
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
    ):
        return False
