import hashlib
import http.server
import threading
from functools import partial

import pytest

from stance.corpora import mirror
from stance.corpora.mirror import CorpusSource
from stance.errors import StanceError


@pytest.fixture
def upstream(tmp_path, monkeypatch):
    """A fake upstream holding one corpus file, and a source whose manifest pins it."""
    served = tmp_path / "served" / "toy"
    (served / "sub").mkdir(parents=True)
    content = b"Body ID,articleBody\n1,hello\n"
    (served / "sub" / "bodies.csv").write_bytes(content)
    manifest = {"sub/bodies.csv": hashlib.sha256(content).hexdigest()}
    source = CorpusSource("toy", "example/toy", "0" * 40, "")
    monkeypatch.setattr(CorpusSource, "manifest", lambda self: manifest)
    monkeypatch.setenv("STANCE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("STANCE_DATA_MIRROR", str(tmp_path / "empty-mirror"))
    (tmp_path / "empty-mirror").mkdir()
    return source, served, manifest


def test_download_from_file_url_verifies_checksum(upstream, tmp_path, monkeypatch):
    source, served, _ = upstream
    monkeypatch.setenv("STANCE_DATA_URL", (tmp_path / "served").as_uri())
    directory = mirror.corpus_dir(source)
    assert (directory / "sub" / "bodies.csv").read_bytes().startswith(b"Body ID")
    assert mirror.verify(source) == []


def test_download_over_http(upstream, tmp_path, monkeypatch):
    source, _, _ = upstream
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "served"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("STANCE_DATA_URL", f"http://127.0.0.1:{server.server_address[1]}")
        directory = mirror.corpus_dir(source)
    finally:
        server.shutdown()
    assert (directory / "sub" / "bodies.csv").is_file()


def test_checksum_mismatch_is_refused_and_nothing_is_kept(upstream, tmp_path, monkeypatch):
    source, served, _ = upstream
    (served / "sub" / "bodies.csv").write_bytes(b"tampered")
    monkeypatch.setenv("STANCE_DATA_URL", (tmp_path / "served").as_uri())
    with pytest.raises(StanceError, match="checksum mismatch"):
        mirror.corpus_dir(source)
    cached = list((tmp_path / "cache").rglob("bodies.csv"))
    assert cached == []


def test_unreachable_upstream_says_what_to_do(upstream, tmp_path, monkeypatch):
    source, _, _ = upstream
    monkeypatch.setenv("STANCE_DATA_URL", (tmp_path / "nowhere").as_uri())
    with pytest.raises(StanceError, match="STANCE_DATA_MIRROR"):
        mirror.corpus_dir(source)


def test_mirror_variable_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("STANCE_DATA_MIRROR", str(tmp_path / "absent"))
    with pytest.raises(StanceError, match="no such directory"):
        mirror.mirror_root()


def test_upstream_url_is_pinned():
    assert mirror.POLNEAR.upstream_url.endswith("/c3eee833c035bf7b8c84f55b58c0bf7346cfae76/data/")
    assert "29d473af2d15278f0464d5e41e4cbe7eb58231f2" in mirror.FNC1.upstream_url
