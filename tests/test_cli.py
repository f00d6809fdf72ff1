"""The command line on good and bad input: bad input gives one clear line and exit status 2."""

import json
import subprocess
import sys

import pytest

from stance.cli import main


@pytest.fixture
def model_dir(tiny_model_dir):
    return str(tiny_model_dir)


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("Russia accused the US of lying about the strikes.\n\nThe Pentagon strongly denied the accusations.\n")
    return path


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_predict_table(capsys, model_dir, article):
    status, out, err = run(capsys, "predict", str(article), "--model", model_dir)
    assert status == 0, err
    assert "ACCUSATION" in out and "DENIAL" in out


def test_predict_jsonl_schema_and_offsets(capsys, model_dir, article):
    status, out, _ = run(capsys, "predict", str(article), "--model", model_dir, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    text = article.read_text()
    assert status == 0 and len(rows) == 2
    for row in rows:
        assert set(row) == {"article_id", "claim_index", "start", "end", "text", "label", "probability",
                            "probabilities", "speaker"}
        assert text[row["start"]:row["end"]] == row["text"]
        assert text[row["speaker"]["start"]:row["speaker"]["end"]] == row["speaker"]["text"]
    assert [r["speaker"]["text"] for r in rows] == ["Russia", "The Pentagon"]
    assert [r["label"] for r in rows] == ["ACCUSATION", "DENIAL"]


def test_predict_csv_and_html_to_file(capsys, model_dir, article, tmp_path):
    for fmt in ("csv", "html"):
        out = tmp_path / f"out.{fmt}"
        status, _, err = run(capsys, "predict", str(article), "--model", model_dir, "--format", fmt, "-o", str(out))
        assert status == 0, err
        assert out.read_text().strip()
    assert "data-label='DENIAL'" in (tmp_path / "out.html").read_text()


def test_predict_jsonl_input(capsys, model_dir, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a1", "text": "The ministry denied the report."}) + "\n\n"
                    + json.dumps({"id": "a2", "text": "It rained."}) + "\n")
    status, out, _ = run(capsys, "predict", str(path), "--model", model_dir, "--format", "jsonl")
    assert status == 0
    assert [json.loads(line)["article_id"] for line in out.splitlines()] == ["a1", "a2"]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "the article is empty"),
    (b"   \n\n\t", "the article is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("Caf\u00e9 cr\u00e8me".encode("latin-1"), "not valid UTF-8"),
])
def test_predict_bad_article_is_one_line_error(capsys, model_dir, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    status, out, err = run(capsys, "predict", str(path), "--model", model_dir)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("stance: error:") and message in err and "bad.txt" in err


def test_bad_jsonl_line_names_the_line(capsys, model_dir, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "fine"}\n{not json}\n')
    status, _, err = run(capsys, "predict", str(path), "--model", model_dir)
    assert status == 2 and "in.jsonl:2: not valid JSON" in err


def test_missing_model_is_a_clear_error(capsys, article, tmp_path):
    status, _, err = run(capsys, "predict", str(article), "--model", str(tmp_path / "nope"))
    assert status == 2 and "no such model directory" in err


def test_output_that_is_a_directory_is_a_one_line_error(capsys, model_dir, article, tmp_path):
    status, _, err = run(capsys, "predict", str(article), "--model", model_dir, "-o", str(tmp_path))
    assert status == 2 and err.count("\n") == 1 and "is a directory" in err


def test_failed_run_leaves_no_output_file(capsys, article, tmp_path):
    out = tmp_path / "out.jsonl"
    status, _, _ = run(capsys, "predict", str(article), "--model", str(tmp_path / "nope"), "-o", str(out))
    assert status == 2 and not out.exists() and list(tmp_path.glob("*.tmp")) == []


def test_unknown_config_key_fails_train_before_any_work(capsys, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("name: x\nmodel: {type: majority}\nepochs: 3\n")
    status, _, err = run(capsys, "train", str(config))
    assert status == 2 and "c.yaml: unknown key 'epochs'" in err


def test_help_explains_every_command():
    result = subprocess.run([sys.executable, "-m", "stance.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("train", "eval", "predict", "data", "annotate"):
        assert command in result.stdout
    result = subprocess.run([sys.executable, "-m", "stance.cli", "predict", "--help"], capture_output=True, text=True)
    assert "--format" in result.stdout and "stdin" in result.stdout
