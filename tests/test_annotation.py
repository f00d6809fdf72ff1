import pytest

from stance.labelling.batches import read_batch_labels, write_article_batch
from stance.labelling.store import GoldLabel, load_gold, read_labels, text_hash, write_labels
from stance.labelling.tool import annotate
from stance.errors import StanceError
from stance.records import Article

TEXT = "Russia accused the US of lying.\n\nThe Pentagon denied it. The weather was fine."
ARTICLE = Article("toy:1", "toy", "test", TEXT)


def gold(start, end, label="DENIAL", text=TEXT):
    return GoldLabel("toy:1", start, end, text_hash(text[start:end]), label, "b1", "")


def test_standoff_round_trip_and_hash_check(tmp_path):
    write_labels(tmp_path / "b1.tsv", [gold(33, 56), gold(0, 31, "ACCUSATION")])
    loaded = load_gold({"toy:1": TEXT}, tmp_path)
    assert loaded[("toy:1", 33, 56)].label == "DENIAL"
    assert [g.start for g in read_labels(tmp_path / "b1.tsv")] == [0, 33]  # sorted by span


def test_label_whose_text_changed_is_refused(tmp_path):
    write_labels(tmp_path / "b1.tsv", [gold(33, 56)])
    changed = TEXT.replace("Pentagon", "Kremlin!")
    with pytest.raises(StanceError, match="text hash .* does not match"):
        load_gold({"toy:1": changed}, tmp_path)


def test_duplicate_span_is_refused(tmp_path):
    write_labels(tmp_path / "a.tsv", [gold(33, 56)])
    write_labels(tmp_path / "b.tsv", [gold(33, 56, "NEUTRAL_REPORT")])
    with pytest.raises(StanceError, match="appears twice"):
        load_gold({"toy:1": TEXT}, tmp_path)


@pytest.mark.parametrize("row, message", [
    ("toy:1\tx\t5\tabc\tDENIAL\tb1\t", "start/end must be integers"),
    ("toy:1\t9\t5\tabc\tDENIAL\tb1\t", "bad span 9-5"),
    ("toy:1\t0\t5\tabc\tDENY\tb1\t", "unknown label 'DENY'"),
])
def test_bad_rows_name_file_and_line(tmp_path, row, message):
    path = tmp_path / "bad.tsv"
    path.write_text("article_id\tstart\tend\ttext_sha256\tlabel\tbatch\tnote\n" + row + "\n")
    with pytest.raises(StanceError, match=rf"bad\.tsv:2: {message}"):
        read_labels(path)


def test_batch_labels_must_cover_every_item(tmp_path):
    items = write_article_batch(tmp_path, "b1", [ARTICLE])
    assert [i.claim.text for i in items] == ["Russia accused the US of lying.", "The Pentagon denied it.",
                                             "The weather was fine."]
    labels = tmp_path / "labels.tsv"
    labels.write_text("b1-0001\tACCUSATION\n b1-0002\tDENIAL\tclear denial\n")
    with pytest.raises(StanceError, match="1 item\\(s\\) not labelled, first b1-0003"):
        read_batch_labels(tmp_path / "b1.map.tsv", labels, "b1")
    labels.write_text("b1-0001\tACCUSATION\nb1-0002\tDENIAL\tclear denial\nb1-0003\tNEUTRAL_REPORT\n")
    result = read_batch_labels(tmp_path / "b1.map.tsv", labels, "b1")
    assert {(g.start, g.label, g.note) for g in result} == {(0, "ACCUSATION", ""), (33, "DENIAL", "clear denial"),
                                                             (57, "NEUTRAL_REPORT", "")}
    labels.write_text("b1-0009\tDENIAL\n")
    with pytest.raises(StanceError, match="unknown item id 'b1-0009'"):
        read_batch_labels(tmp_path / "b1.map.tsv", labels, "b1")


def test_annotation_tool_saves_each_label_and_resumes(tmp_path):
    out = tmp_path / "gold.tsv"
    answers = iter(["a", "q"])
    assert annotate([ARTICLE], out, "manual", ask=lambda _: next(answers), show=lambda _: None) == 1
    assert [g.label for g in read_labels(out)] == ["ACCUSATION"]
    answers = iter(["x", "d rule 1", "s"])  # an unknown answer is asked again; s skips
    annotate([ARTICLE], out, "manual", ask=lambda _: next(answers), show=lambda _: None)
    saved = read_labels(out)
    assert [(g.label, g.note) for g in saved] == [("ACCUSATION", ""), ("DENIAL", "rule 1")]
    assert load_gold({"toy:1": TEXT}, tmp_path)  # hashes recorded by the tool verify


def test_interrupted_session_keeps_saved_labels(tmp_path):
    out = tmp_path / "gold.tsv"

    def ask(_prompt, answers=iter(["n"])):
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    with pytest.raises(EOFError):
        annotate([ARTICLE], out, "manual", ask=ask, show=lambda _: None)
    assert [g.label for g in read_labels(out)] == ["NEUTRAL_REPORT"]


def test_round2_training_selection_mixes_strata_without_repeats():
    from stance.claims.segment import segment
    from stance.labelling.selection import ClaimScore, SelectedClaim, training_claims
    from stance.records import Article

    text = " ".join(f"Claim {i} was said." if i % 3 else f"Officials refused entry to group {i}." for i in range(60))
    article = Article("toy:1", "toy", "train", text)
    candidates = [SelectedClaim(article, c, i) for i, c in enumerate(segment(text))]
    scores = {(article.id, c.claim.start): ClaimScore(margin=(c.index % 7) / 7, disagrees=c.index % 5 == 0)
              for c in candidates}
    chosen = training_claims(candidates, scores, n=30, seed=1)
    assert len(chosen) == 30 and len({(s.article.id, s.claim.start) for _, s in chosen}) == 30
    strata = [name for name, _ in chosen]
    assert strata.count("hard-negative") == 9 and strata.count("uncertain") == 9 and strata.count("random") == 12
    uncertain = [s for name, s in chosen if name == "uncertain"]
    assert all(scores[(article.id, s.claim.start)].disagrees for s in uncertain[:3])  # disagreements first
    assert chosen == training_claims(candidates, scores, n=30, seed=1)  # reproducible
