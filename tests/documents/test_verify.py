from __future__ import annotations

import os
import re
from io import BytesIO

import pytest

from association.documents import seal
from association.documents.render import render_pdf
from association.documents.seal import load_signer, outside_event_loop, seal_pdf
from association.documents.verify import (
    ISSUED_AND_UNCHANGED,
    NOT_ISSUED,
    SEALED_BUT_ALTERED,
    check_pdf,
)
from tests.documents.pdf_helpers import font_test_pdf


@pytest.fixture(scope="module")
def association(tmp_path_factory):
    """The association's (development) signer for this module."""
    return load_signer({}, tmp_path_factory.mktemp("association"))


@pytest.fixture(scope="module")
def stranger(tmp_path_factory):
    """Someone else's self-signed key, with the same name on the certificate as ours."""
    return load_signer({}, tmp_path_factory.mktemp("stranger"))


@pytest.fixture(scope="module")
def unsigned():
    return font_test_pdf("https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC")


@pytest.fixture(scope="module")
def sealed(unsigned, association):
    return seal_pdf(unsigned, association)


def _not_issued(check):
    assert not check.intact
    assert not check.signed_by_association
    assert check.verdict == NOT_ISSUED


def test_a_sealed_document_is_ours_and_unchanged(sealed, association):
    check = check_pdf(sealed, association.signing_cert)
    assert check.signature_present
    assert check.intact
    assert check.signed_by_association
    assert check.issued_and_unchanged
    assert check.verdict == ISSUED_AND_UNCHANGED
    assert len(check.sha256) == 64


def test_one_byte_changed_in_the_middle_is_altered(sealed, unsigned, association):
    altered = bytearray(sealed)
    altered[len(unsigned) // 2] ^= 0x01  # inside the signed part, in the page's content
    check = check_pdf(bytes(altered), association.signing_cert)
    assert check.signature_present
    assert check.signed_by_association
    assert not check.intact
    assert check.verdict == SEALED_BUT_ALTERED
    assert "altered" in check.verdict


def test_a_byte_changed_in_the_seals_reserved_space_is_altered(sealed, association):
    # The signature cannot cover its own hole in the file: the check looks there itself.
    end_of_contents = sealed.index(b">", sealed.rindex(b"/Contents <"))
    altered = bytearray(sealed)
    altered[end_of_contents - 10] = ord("7")
    check = check_pdf(bytes(altered), association.signing_cert)
    assert not check.intact
    assert "altered" in check.verdict


def test_anything_added_after_the_seal_is_altered(sealed, association, stranger):
    countersigned = _sign_again(sealed, stranger)
    check = check_pdf(countersigned, association.signing_cert)
    assert check.signed_by_association
    assert not check.intact
    assert check.verdict == SEALED_BUT_ALTERED


def _sign_again(pdf: bytes, signer) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name="Another")
    return outside_event_loop(signers.sign_pdf, writer, metadata, signer=signer).getvalue()


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"%PDF-",
        b"%PDF-1.7\n%%EOF",
        b"not a pdf at all",
        os.urandom(4096),
        b"%PDF-1.7\n" + os.urandom(4096),
    ],
    ids=["empty", "header-only", "hollow", "text", "random", "random-after-header"],
)
def test_garbage_is_not_issued_and_never_raises(garbage, association):
    check = check_pdf(garbage, association.signing_cert)
    _not_issued(check)
    assert not check.signature_present


def test_a_truncated_document_is_not_issued(sealed, association):
    _not_issued(check_pdf(sealed[: len(sealed) // 2], association.signing_cert))
    _not_issued(check_pdf(sealed[:-40], association.signing_cert))


def test_a_plain_unsigned_pdf_is_not_issued(unsigned, association):
    check = check_pdf(unsigned, association.signing_cert)
    _not_issued(check)
    assert not check.signature_present


def test_a_pdf_sealed_with_another_key_is_not_issued(unsigned, association, stranger):
    check = check_pdf(seal_pdf(unsigned, stranger), association.signing_cert)
    _not_issued(check)
    assert check.signature_present


def test_no_byte_the_seal_covers_can_change_unnoticed(association):
    # A short document, so that positions all over it can be tried. The signature's own
    # hole is left out: CMS has fields no signature covers, and there "intact" rightly
    # means the content is untouched; the register's SHA-256 catches those (verify_upload).
    sealed = seal_pdf(render_pdf("<p>Minutes approved</p>"), association)
    start, first, second, rest = map(
        int, re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)", sealed).groups()
    )
    covered = [*range(start, first), *range(second, second + rest)]
    assert len(covered) + (second - first) == len(sealed)
    for position in covered[::11]:
        altered = bytearray(sealed)
        altered[position] ^= 0x01
        assert not check_pdf(bytes(altered), association.signing_cert).intact, position


def test_a_broken_installation_fails_loudly_rather_than_calling_everything_forged(
    sealed, association, monkeypatch
):
    import builtins

    real_import = builtins.__import__

    def no_pyhanko(name, *args, **kwargs):
        if name.startswith("pyhanko"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyhanko)
    with pytest.raises(ImportError):
        check_pdf(sealed, association.signing_cert)


def test_seal_names_its_field_and_reason(sealed):
    assert seal.SEAL_FIELD.encode() in sealed
    assert b"Association of Modern Technoparks" in sealed
