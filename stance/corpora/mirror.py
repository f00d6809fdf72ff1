"""Where corpus files come from: a local mirror directory, or upstream at a pinned commit.

Resolution order for a corpus directory:

1. ``$STANCE_DATA_MIRROR/<corpus>`` if the variable is set (it must exist);
2. ``../shared/data/<corpus>`` relative to the working directory, then relative to
   the repository this package lives in;
3. the download cache ``$STANCE_CACHE`` (default ``~/.cache/stance``), filled on
   demand from ``$STANCE_DATA_URL`` (default: the upstream GitHub repository at the
   pinned commit). Every downloaded file is checked against the sha256 manifest
   shipped with the package before it is moved into the cache.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tqdm.auto import tqdm

from stance.checksums import sha256_file
from stance.errors import StanceError


@dataclass(frozen=True)
class CorpusSource:
    name: str
    repository: str
    commit: str
    prefix: str  # where the corpus files sit inside the upstream repository
    # local file name -> its path under ``prefix`` upstream, where the two differ
    renamed: tuple[tuple[str, str], ...] = ()

    @property
    def upstream_url(self) -> str:
        return f"https://raw.githubusercontent.com/{self.repository}/{self.commit}/{self.prefix}"

    def upstream_path(self, local: str) -> str:
        return dict(self.renamed).get(local, local)

    def manifest(self) -> dict[str, str]:
        """Relative path -> sha256 of every file the project reads from this corpus."""
        text = resources.files("stance.corpora").joinpath(f"manifests/{self.name}.sha256").read_text()
        entries = {}
        for line in text.splitlines():
            digest, path = line.split(maxsplit=1)
            entries[path] = digest
        return entries


POLNEAR = CorpusSource("polnear", "networkdynamics/PolNeAR", "c3eee833c035bf7b8c84f55b58c0bf7346cfae76", "data/")
FNC1 = CorpusSource("fnc1", "FakeNewsChallenge/fnc-1", "29d473af2d15278f0464d5e41e4cbe7eb58231f2", "")
NEWSDISCOURSE = CorpusSource(
    "newsdiscourse",
    "prafulla77/Discourse_Profiling",
    "2005fe337d782bc98061bea6e66c11e7b7861915",
    "data/",
    renamed=(("data_train.zip", "train.zip"), ("data_validation.zip", "validation.zip"), ("data_test.zip", "test.zip")),
)
WIKINEWS = CorpusSource("wikinews", "vanatteveldt/wikinews", "347254178bf343f3801aac1d03c41cc09c35decb", "data/")
SOURCES = {s.name: s for s in (POLNEAR, FNC1, NEWSDISCOURSE, WIKINEWS)}


def _local_candidates() -> list[Path]:
    repo_root = Path(__file__).resolve().parents[2]
    return [Path.cwd() / ".." / "shared" / "data", repo_root / ".." / "shared" / "data"]


def mirror_root() -> Path | None:
    """The local mirror directory, or None when there is none."""
    configured = os.environ.get("STANCE_DATA_MIRROR")
    if configured:
        path = Path(configured)
        if not path.is_dir():
            raise StanceError(f"STANCE_DATA_MIRROR={configured}: no such directory")
        return path
    for candidate in _local_candidates():
        if candidate.is_dir():
            return candidate.resolve()
    return None


def cache_root() -> Path:
    return Path(os.environ.get("STANCE_CACHE", Path.home() / ".cache" / "stance"))


def corpus_dir(source: CorpusSource) -> Path:
    """A directory holding every file of ``source``'s manifest, downloading if needed."""
    root = mirror_root()
    if root is not None and (root / source.name).is_dir():
        return root / source.name
    target = cache_root() / f"{source.name}-{source.commit[:12]}"
    missing = [p for p in source.manifest() if not (target / p).is_file()]
    if missing:
        download(source, target, missing)
    return target


def download(source: CorpusSource, target: Path, paths: list[str]) -> None:
    """Fetch ``paths`` of ``source`` into ``target``, verifying each file's sha256."""
    base = os.environ.get("STANCE_DATA_URL")
    mirrored = bool(base)  # a mirror keeps the local file names; upstream may name them differently
    base = f"{base.rstrip('/')}/{source.name}/" if base else source.upstream_url
    manifest = source.manifest()
    target.mkdir(parents=True, exist_ok=True)
    for rel in tqdm(paths, desc=f"downloading {source.name}", unit="file"):
        url = base + (rel if mirrored else source.upstream_path(rel))
        destination = target / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=destination.parent, delete=False) as tmp:
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    shutil.copyfileobj(response, tmp)
            except (urllib.error.URLError, OSError) as exc:
                os.unlink(tmp.name)
                raise StanceError(
                    f"could not download {url}: {exc}. Set STANCE_DATA_MIRROR to a local copy of the corpora"
                ) from None
        actual = sha256_file(Path(tmp.name))
        if actual != manifest[rel]:
            os.unlink(tmp.name)
            raise StanceError(f"checksum mismatch for {url}: expected sha256 {manifest[rel]}, got {actual}")
        os.replace(tmp.name, destination)


def verify(source: CorpusSource) -> list[str]:
    """Paths whose content differs from the manifest (empty list: the corpus is intact)."""
    directory = corpus_dir(source)
    return [
        rel
        for rel, digest in source.manifest().items()
        if not (directory / rel).is_file() or sha256_file(directory / rel) != digest
    ]
