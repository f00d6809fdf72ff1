"""Robustness of reading and predicting on unusual input."""

import pytest

from stance.errors import StanceError
from stance.inference.inputs import decode_text, read_inputs
from stance.inference.predictor import load
from stance.claims.segment import segment


def test_html_page_is_refused_with_advice():
    with pytest.raises(StanceError, match="looks like an HTML page"):
        decode_text(b"<!DOCTYPE html><html><body><p>The ministry denied it.</p></body></html>", "page.html")


def test_inline_markup_in_an_article_is_kept_as_text():
    text = decode_text(b'He said <tweet id="1"/> it was false.', "a.txt")
    assert "<tweet" in text


def test_non_english_text_gets_predictions(tiny_model_dir):
    claims = load(tiny_model_dir).predict_article("Le ministère a démenti les accusations. Das ist falsch.")
    assert len(claims) == 2 and all(c.label for c in claims)


def test_five_megabytes_of_text(tiny_model_dir):
    paragraph = "Russia accused the U.S. of lying about the strikes. The Pentagon denied it, said Manning.\n\n"
    text = paragraph * (5_000_000 // len(paragraph))
    claims = segment(text)
    assert len(claims) == 2 * (5_000_000 // len(paragraph))
    assert all(text[c.start:c.end] == c.text for c in claims[:: 997])
    predictions = load(tiny_model_dir).predict_articles([text], progress=False)[0]
    assert len(predictions) == len(claims)


def test_directory_and_stdin_inputs(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("One claim.")
    (tmp_path / "b.jsonl").write_text('{"id": "x", "text": "Two."}\n')
    (tmp_path / "ignored.csv").write_text("not read")
    assert [a.id for a in read_inputs([str(tmp_path)])] == [str(tmp_path / "a.txt"), "x"]
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"From stdin.")))
    assert read_inputs(["-"])[0].text == "From stdin."


def test_empty_directory(tmp_path):
    with pytest.raises(StanceError, match="no .txt or .jsonl files"):
        read_inputs([str(tmp_path)])
