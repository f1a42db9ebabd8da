from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from association.documents import seal
from association.documents.seal import SealUnavailable, certificate_fingerprint, load_signer


@pytest.fixture(autouse=True)
def forget_loaded_signers(monkeypatch):
    # Each test sees the process as if it had just started.
    monkeypatch.setattr(seal, "_signers", {})


def test_the_development_seal_is_made_once_private_and_reused(tmp_path, monkeypatch):
    first = load_signer({}, tmp_path)
    key_file = tmp_path / "dev-signing.p12"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (
        "Association of Modern Technoparks (development seal)"
        in first.signing_cert.subject.human_friendly
    )

    monkeypatch.setattr(seal, "_signers", {})  # a second process, reading the same instance folder
    second = load_signer({}, tmp_path)
    assert certificate_fingerprint(second.signing_cert) == certificate_fingerprint(
        first.signing_cert
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dev-signing.p12"]


def test_within_a_process_the_signer_is_loaded_once(tmp_path):
    assert load_signer({}, tmp_path) is load_signer({}, tmp_path)


def test_a_process_arriving_second_never_replaces_the_key(tmp_path, monkeypatch):
    key_file = tmp_path / "dev-signing.p12"
    load_signer({}, tmp_path)
    before = key_file.read_bytes()
    # Both processes saw no file; this one finishes generating after the other.
    monkeypatch.setattr(Path, "exists", lambda self: False)
    seal._ensure_development_seal(key_file)
    assert key_file.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dev-signing.p12"]


def _password_protected(tmp_path: Path, password: bytes) -> Path:
    key, certificate, _ = pkcs12.load_key_and_certificates(seal._development_pkcs12(), None)
    path = tmp_path / "association.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal", key, certificate, None, BestAvailableEncryption(password)
        )
    )
    os.chmod(path, 0o600)
    return path


def test_the_configured_certificate_is_used_instead_of_the_development_seal(tmp_path):
    path = _password_protected(tmp_path, b"s3cret")
    signer = load_signer(
        {"SIGNING_PKCS12_PATH": str(path), "SIGNING_PKCS12_PASSWORD": "s3cret"},
        tmp_path / "instance",
    )
    assert signer.signing_cert is not None
    assert not (tmp_path / "instance" / "dev-signing.p12").exists()


def test_a_relative_certificate_path_is_inside_the_instance_folder(tmp_path):
    _password_protected(tmp_path, b"s3cret")
    signer = load_signer(
        {"SIGNING_PKCS12_PATH": "association.p12", "SIGNING_PKCS12_PASSWORD": "s3cret"}, tmp_path
    )
    assert signer.signing_cert is not None


def test_a_wrong_password_is_a_clear_error(tmp_path):
    path = _password_protected(tmp_path, b"s3cret")
    with pytest.raises(SealUnavailable, match="SIGNING_PKCS12_PASSWORD"):
        load_signer(
            {"SIGNING_PKCS12_PATH": str(path), "SIGNING_PKCS12_PASSWORD": "wrong"}, tmp_path
        )


def test_a_missing_certificate_file_is_a_clear_error(tmp_path):
    with pytest.raises(SealUnavailable, match="does not exist"):
        load_signer({"SIGNING_PKCS12_PATH": str(tmp_path / "nowhere.p12")}, tmp_path)
    assert not (tmp_path / "dev-signing.p12").exists()
