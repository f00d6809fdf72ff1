"""Baselines: majority class, the weak labeller as a classifier, TF-IDF linear models."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from stance.errors import StanceError
from stance.models.base import StanceModel
from stance.labelling.weak import weak_label


@dataclass(frozen=True)
class NoParams:
    pass


class MajorityModel(StanceModel):
    """Predicts the training label distribution for every claim."""

    type_name = "majority"
    Params = NoParams
    fitted_attribute = "priors"
    priors = None

    def fit(self, texts, labels, contexts=None, dev=None):
        counts = Counter(labels)
        self.priors = np.array([counts[name] for name in self.labels], dtype=float) / max(1, len(labels))
        return self

    def _predict_proba(self, texts, contexts=None):
        return np.tile(self.priors, (len(texts), 1))

    def _save_weights(self, directory: Path) -> None:
        (directory / "priors.json").write_text(json.dumps(self.priors.tolist()))

    def _load_weights(self, directory: Path) -> None:
        self.priors = np.array(json.loads(_read(directory / "priors.json")))


@dataclass(frozen=True)
class LexiconParams:
    confidence: float = 0.8  # probability given to the labelling functions' label


class LexiconModel(StanceModel):
    """The weak labeller (stance.labelling.weak) used as a classifier; it learns nothing."""

    type_name = "lexicon"
    Params = LexiconParams
    fitted_attribute = None

    def fit(self, texts, labels, contexts=None, dev=None):
        return self

    def _predict_proba(self, texts, contexts=None):
        rest = (1.0 - self.params.confidence) / (len(self.labels) - 1)
        probabilities = np.full((len(texts), len(self.labels)), rest)
        for row, text in enumerate(texts):
            probabilities[row, self.labels.index(weak_label(text))] = self.params.confidence
        return probabilities

    def _save_weights(self, directory: Path) -> None:
        pass

    def _load_weights(self, directory: Path) -> None:
        pass


@dataclass(frozen=True)
class TfidfParams:
    C: float = 4.0
    word_ngram_max: int = 2
    char_ngram_min: int = 2
    char_ngram_max: int = 5
    min_df: int = 2
    max_features: int | None = 300_000
    class_weight: str | None = "balanced"
    max_iter: int = 300  # lbfgs iterations (logreg); a fixed budget keeps fit time and results reproducible


# skops loads only these types besides its own safe defaults: no arbitrary code runs.
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.")


class _TfidfModel(StanceModel):
    """Word and character n-gram TF-IDF features feeding a linear classifier."""

    Params = TfidfParams
    fitted_attribute = "pipeline"
    pipeline = None

    def _classifier(self):
        raise NotImplementedError

    def _pipeline(self) -> Pipeline:
        p = self.params
        features = FeatureUnion([
            ("word", TfidfVectorizer(ngram_range=(1, p.word_ngram_max), min_df=p.min_df, sublinear_tf=True,
                                     max_features=p.max_features, lowercase=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(p.char_ngram_min, p.char_ngram_max),
                                     min_df=p.min_df, sublinear_tf=True, max_features=p.max_features)),
        ])
        return Pipeline([("features", features), ("classifier", self._classifier())])

    def fit(self, texts, labels, contexts=None, dev=None):
        self.pipeline = self._pipeline().fit(list(texts), list(labels))
        for _, vectorizer in self.pipeline.named_steps["features"].transformer_list:
            # every pruned n-gram (millions); only needed for introspection, and it makes saving take minutes
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
        return self

    def _predict_proba(self, texts: Sequence[str], contexts=None) -> np.ndarray:
        probabilities = np.zeros((len(texts), len(self.labels)))
        if len(texts):
            probabilities[:, self._columns_for(self.pipeline.classes_)] = self.pipeline.predict_proba(list(texts))
        return probabilities

    def _vectorizers(self) -> list[tuple[str, TfidfVectorizer]]:
        return self.pipeline.named_steps["features"].transformer_list

    def _save_weights(self, directory: Path) -> None:
        # Vocabularies go to JSON (term lists in column order): skops stores a dict of
        # 300k numpy ints as 300k zip members, which takes minutes and hundreds of MB.
        vocabularies = {}
        for name, vectorizer in self._vectorizers():
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            vocabularies[name] = terms
        (directory / "vocabularies.json").write_text(json.dumps(vocabularies, ensure_ascii=False))
        saved = {name: v.vocabulary_ for name, v in self._vectorizers()}
        try:
            for _, vectorizer in self._vectorizers():
                vectorizer.vocabulary_ = {}
            sio.dump(self.pipeline, directory / "pipeline.skops", compression=zipfile.ZIP_DEFLATED)
        finally:
            for name, vectorizer in self._vectorizers():
                vectorizer.vocabulary_ = saved[name]

    def _load_weights(self, directory: Path) -> None:
        path = directory / "pipeline.skops"
        if not path.is_file():
            raise StanceError(f"{path}: missing model weights")
        try:
            untrusted = sio.get_untrusted_types(file=path)
            refused = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
            if refused:
                raise StanceError(f"{path}: refusing to load untrusted type(s) {', '.join(refused)}")
            self.pipeline = sio.load(path, trusted=untrusted)
            vocabularies = json.loads(_read(directory / "vocabularies.json"))
            for name, vectorizer in self._vectorizers():
                vectorizer.vocabulary_ = {term: index for index, term in enumerate(vocabularies[name])}
        except StanceError:
            raise
        except Exception as exc:  # skops and json raise many types on damaged files
            raise StanceError(f"{directory}: corrupted model file ({type(exc).__name__}: {exc})") from None


class TfidfLogRegModel(_TfidfModel):
    type_name = "tfidf-logreg"

    def _classifier(self):
        return LogisticRegression(C=self.params.C, class_weight=self.params.class_weight, max_iter=self.params.max_iter,
                                  random_state=self.seed)


class TfidfLinearSVCModel(_TfidfModel):
    """LinearSVC with sigmoid-calibrated probabilities (3-fold)."""

    type_name = "tfidf-linearsvc"

    def _classifier(self):
        svc = LinearSVC(C=self.params.C, class_weight=self.params.class_weight, random_state=self.seed)
        return CalibratedClassifierCV(svc, cv=3, method="sigmoid")


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        raise StanceError(f"{path}: missing model file") from None
