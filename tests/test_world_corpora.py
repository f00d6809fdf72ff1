"""The world-news readers on small files written here: the running-text rule, the
Reuters/Xinhua filter, de-duplication across splits, and Wikinews' hash split."""

import csv
import zipfile

import pytest

from stance.corpora.newsdiscourse import read_newsdiscourse, running_text
from stance.corpora.wikinews import read_wikinews, split_of_url
from stance.errors import StanceError

STORY = ("URL https://example.org/a\n\nDATE/ AUTHOR 2018-06-02 03:03:52+00:00\tAUTHORS: X\n\n"
         "H Minister denies report\n\nS1 ROME (Reuters) - The minister denied the report.\n\n"
         "S2 He called it false.\nS3 Critics disagreed.\n\nS4 The vote is on Monday.\n")


def test_running_text_is_headline_then_paragraphs():
    text, meta = running_text(STORY, "story")
    assert text == ("Minister denies report\n\nROME (Reuters) - The minister denied the report.\n\n"
                    "He called it false. Critics disagreed.\n\nThe vote is on Monday.")
    assert meta == {"url": "https://example.org/a", "date": "2018-06-02 03:03:52+00:00"}


def test_story_without_sentences_is_an_error():
    with pytest.raises(StanceError, match="no headline"):
        running_text("URL x\n\nH Only a headline\n", "story")


def write_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)


def test_only_wire_stories_are_read_and_duplicates_kept_in_the_evaluation_split(tmp_path):
    other = STORY.replace("denies report", "resigns").replace("URL https://example.org/a", "URL https://example.org/b")
    write_zip(tmp_path / "data_train.zip", {"train 2/Crime/Reuters_9.txt": STORY, "train 2/Crime/Xinhua_1.txt": other,
                                            "train 2/Crime/nyt_5.txt": STORY, "__MACOSX/train 2/._Reuters_9.txt": "x",
                                            "train 2/Crime/Reuters_9.ann": "T1"})
    write_zip(tmp_path / "data_validation.zip", {"validation/CReuters_19.txt": STORY})
    write_zip(tmp_path / "data_test.zip", {})
    articles = list(read_newsdiscourse(root=tmp_path))
    assert [(a.id, a.split) for a in articles] == [("newsdiscourse:train/Crime/Xinhua_1", "train"),
                                                    ("newsdiscourse:dev/Crime/CReuters_19", "dev")]
    assert articles[1].meta["source"] == "Reuters" and articles[1].meta["domain"] == "Crime"


def test_missing_archive_is_a_clear_error(tmp_path):
    with pytest.raises(StanceError, match="missing NewsDiscourse archive"):
        list(read_newsdiscourse(root=tmp_path))


def test_wikinews_keeps_text_as_is_and_url_for_attribution(tmp_path):
    for name in ("wikinews_2019.csv", "wikinews_2020.csv"):
        with open(tmp_path / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["url", "date", "title", "text"])
            for i in range(20):
                writer.writerow([f"https://en.wikinews.org//wiki/{name}_{i}", "2019-01-04", "T", f"Friday\n\n\nStory {i}."])
    articles = list(read_wikinews(root=tmp_path))
    assert len(articles) == 40 and articles[0].text == "Friday\n\n\nStory 0."
    assert all(a.split == split_of_url(a.meta["url"]) for a in articles)
    assert {a.split for a in articles} == {"train", "dev", "test"} and articles[0].meta["licence"] == "CC BY 2.5"
