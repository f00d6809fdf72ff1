import pytest

from stance.corpora.brat import read_attributions
from stance.corpora.polnear import read_article
from stance.errors import StanceError

TEXT = "Washington Post backs Hillary Clinton. It said\nthe race was close and tight, officials said."


def write(path, content):
    path.write_text(content, encoding="utf-8")
    return path


def test_parses_events_with_discontinuous_spans_and_multiline_text(tmp_path):
    ann = write(tmp_path / "a.ann",
                "T1\tSource 0 15\tWashington Post\n"
                "T2\tCue 16 21\tbacks\n"
                "T3\tContent 22 37\tHillary Clinton\n"
                "T4\tAttribution 16 21\tbacks\n"
                "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
                "T5\tContent 47 65;70 75\tthe race was close\nand tight\n"   # span text holds a newline
                "T6\tCue 87 91\tsaid\n"
                "E2\tAttribution-no-source:T6 Content:T5 Cue:T6\n"
                "#1\tAnnotatorNotes T5\thard one\n")
    attributions = read_attributions(ann, TEXT)
    assert [a.id for a in attributions] == ["E1", "E2"]
    first, second = attributions
    assert first.source == ((0, 15),) and first.content == ((22, 37),)
    assert second.content == ((47, 65), (70, 75)) and second.source == ()
    assert second.extent == (47, 91)


def test_span_outside_the_text_is_an_error_naming_file_and_line(tmp_path):
    ann = write(tmp_path / "bad.ann", "T1\tSource 0 15\tWashington Post\nT2\tCue 500 505\tnope\n")
    with pytest.raises(StanceError, match=r"bad\.ann:2: span 500-505 outside"):
        read_attributions(ann, TEXT)


def test_event_pointing_to_unknown_span_is_an_error(tmp_path):
    ann = write(tmp_path / "e.ann", "T1\tContent 0 15\tWashington Post\nE1\tAttribution:T9 Content:T1 Cue:T7\n")
    with pytest.raises(StanceError, match="unknown annotation T7"):
        read_attributions(ann, TEXT)


def test_multi_annotator_article_uses_the_first_annotator(tmp_path):
    (tmp_path / "test" / "text").mkdir(parents=True)
    (tmp_path / "test" / "attributions").mkdir()
    write(tmp_path / "test" / "text" / "nyt_x.txt", TEXT)
    write(tmp_path / "test" / "attributions" / "nyt_x_ffff.ann", "T1\tContent 0 4\tWash\nT2\tCue 5 9\tingt\n"
          "E1\tAttribution:T2 Content:T1 Cue:T2\n")
    write(tmp_path / "test" / "attributions" / "nyt_x_0aaa.ann", "T1\tContent 22 37\tHillary Clinton\n"
          "T2\tCue 16 21\tbacks\nE1\tAttribution:T2 Content:T1 Cue:T2\n")
    article = read_article(tmp_path, "test", "nyt_x")
    assert article.id == "polnear:nyt_x" and article.split == "test"
    assert article.attributions[0].content == ((22, 37),)


def test_missing_text_is_a_clear_error(tmp_path):
    with pytest.raises(StanceError, match="missing PolNeAR article text"):
        read_article(tmp_path, "dev", "nothing")
