"""Corpus readers: each yields ``Article`` records (id, text, train/dev/test split, metadata).

Files come from a local mirror or are downloaded at a pinned upstream commit and
checked against the sha256 manifests in ``manifests/`` (``mirror``). The project
never stores corpus text; its own labels point into these texts by offset."""

from collections.abc import Iterator

from stance.corpora.fnc1 import read_fnc1
from stance.corpora.newsdiscourse import read_newsdiscourse
from stance.corpora.polnear import read_polnear
from stance.corpora.wikinews import read_wikinews
from stance.errors import StanceError
from stance.records import Article

READERS = {"polnear": read_polnear, "fnc1": read_fnc1, "newsdiscourse": read_newsdiscourse, "wikinews": read_wikinews}
DEFAULT_CORPORA = tuple(READERS)  # what `stance data build` reads unless told otherwise
# Corpora reported together: the two world-news corpora form the ``world`` column.
GROUPS = {"polnear": "polnear", "fnc1": "fnc1", "newsdiscourse": "world", "wikinews": "world"}


def read_corpus(name: str, splits: tuple[str, ...] = ("train", "dev", "test")) -> Iterator[Article]:
    if name not in READERS:
        raise StanceError(f"unknown corpus {name!r} (known: {', '.join(READERS)})")
    return READERS[name](splits)
