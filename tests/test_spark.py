"""The Spark engine (``stance predict --engine spark``): the local engine's claims, every bad
row accounted for, reruns that skip finished buckets, one-line errors.

The tests that start Spark need pyspark (in the ``test`` extra) and a Java runtime; they
are skipped, saying so, where either is missing. The rest run everywhere.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import needs_corpora
from stance.cli import main
from stance.inference.inputs import MAX_ARTICLE_BYTES
from stance.inference.spark import article_problem, label_batch, output_columns
from stance.records import ClaimRecord

HAVE_SPARK = importlib.util.find_spec("pyspark") is not None and bool(shutil.which("java") or os.environ.get("JAVA_HOME"))
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
needs_spark = pytest.mark.skipif(not HAVE_SPARK, reason="pyspark or a Java runtime is missing (make spark-setup)")

BAD_ROWS = [  # (JSONL line, expected error)
    (json.dumps({"id": "bad-null", "text": None}), "text is null"),
    (json.dumps({"id": "bad-empty", "text": ""}), "the article is empty"),
    (json.dumps({"id": "bad-blank", "text": " \n\t "}), "the article is empty"),
    (json.dumps({"id": "bad-number", "text": 42}), "text is not a string (a number)"),
    (json.dumps({"id": "bad-object", "text": {"body": "x"}}), "text is not a string (an object)"),
    (json.dumps({"id": "bad-html", "text": "<html><body>The ministry denied it.</body></html>"}), "HTML page"),
    (json.dumps({"id": "bad-no-text", "body": "The ministry denied it."}), "no 'text' field"),
    (json.dumps({"text": "An article without an id."}), "id is null"),
    ('{"id": "bad-json", "text": "unterminated', "not valid JSON"),
    (json.dumps({"id": "bad-long", "text": "a" * (MAX_ARTICLE_BYTES + 1)}), "text is too long"),
]


def read_output(path) -> list[dict]:
    return ds.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pylist()


def run_cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def spark():
    """One local[2] session for the module; the engine uses it and leaves it running."""
    if not HAVE_SPARK:
        pytest.skip("pyspark or a Java runtime is missing (make spark-setup)")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("stance tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def real_articles():
    from stance.corpora import read_corpus

    articles = list(read_corpus("polnear", ("test", "dev"))) + list(itertools.islice(read_corpus("fnc1", ("test",)), 32))
    return [(a.id, a.text) for a in articles]


# --- Spark, end to end ------------------------------------------------------------------------------

@needs_corpora
@needs_spark
def test_spark_equals_local_engine_and_accounts_for_bad_rows(spark, tiny_model_dir, real_articles, tmp_path, capsys):
    source = tmp_path / "archive.jsonl"
    lines = [json.dumps({"id": i, "text": t}) for i, t in real_articles]
    lines[100:100] = [line for line, _ in BAD_ROWS]
    source.write_text("\n".join(lines) + "\n\n")  # a trailing blank line is no article
    out = tmp_path / "labelled"
    argv = ["predict", str(source), "--engine", "spark", "--model", str(tiny_model_dir), "-o", str(out),
            "--buckets", "8", "--buckets-per-job", "4"]

    status, stdout, err = run_cli(capsys, *argv)
    assert status == 0, err
    rows = read_output(out)
    assert set(rows[0]) == set(output_columns(("ACCUSATION", "DENIAL", "NEUTRAL_REPORT")))

    # every good article: the local engine's claims, claim for claim
    from stance.inference.predictor import load

    local = load(tiny_model_dir).predict_articles([t for _, t in real_articles], ids=[i for i, _ in real_articles],
                                                  progress=False)
    expected = {(c.article_id, c.claim_index): c.flat() for claims in local for c in claims}
    got = {(r["article_id"], r["claim_index"]): r for r in rows if r["claim_index"] is not None}
    assert got.keys() == expected.keys()
    for key, want in expected.items():
        row = got[key]
        assert row["error"] is None and row["label"] == want["label"], key
        for column, value in want.items():
            if isinstance(value, float):
                assert abs(row[column] - value) <= 1e-5, (key, column)
            else:
                assert row[column] == value, (key, column)

    # every bad row: one row, no claims, the reason
    errors = [r for r in rows if r["claim_index"] is None]
    assert len(errors) == len(BAD_ROWS) and all(r["label"] is None and r["text"] is None for r in errors)
    for line, reason in BAD_ROWS:
        article_id = json.loads(line).get("id") if line.endswith("}") else None
        assert any(r["article_id"] == article_id and reason in r["error"] for r in errors), (line[:50], reason)

    # the accounting, printed
    n, claims = len(real_articles) + len(BAD_ROWS), len(expected)
    assert f"articles read {n:,}: labelled {len(real_articles):,} (0 with no claims), failed {len(BAD_ROWS)}" in stdout
    assert f"claims written {claims:,}" in stdout
    assert f"output rows {claims + len(BAD_ROWS):,} = {claims:,} claims + {len(BAD_ROWS)} error rows" in stdout
    assert "claims/s" in stdout

    # a rerun skips every bucket; after losing one bucket, it redoes that one only
    status, stdout, err = run_cli(capsys, *argv)
    assert status == 0, err
    assert "0 of 8 buckets labelled (8 already complete" in stdout and f"claims written {claims:,}" in stdout
    lost = sorted(p for p in out.iterdir() if p.name.startswith("bucket="))[3]
    lost_rows = sum(1 for r in rows if f"bucket={r['bucket']}" == lost.name)
    shutil.rmtree(lost)
    status, stdout, err = run_cli(capsys, *argv)
    assert status == 0, err
    assert "1 of 8 buckets labelled (7 already complete" in stdout
    assert len(read_output(out)) == len(rows) and lost.is_dir() and lost_rows

    # another model into the same output is refused
    other = tmp_path / "other-model"
    shutil.copytree(tiny_model_dir, other)
    meta = json.loads((other / "stance_model.json").read_text())
    (other / "stance_model.json").write_text(json.dumps({**meta, "seed": meta["seed"] + 1}))
    status, _, err = run_cli(capsys, *argv[:5], str(other), *argv[6:])
    assert status == 2 and err.count("\n") == 1 and "another model" in err


@needs_spark
def test_parquet_directory_of_part_files(spark, tiny_model_dir, tmp_path, capsys):
    archive = tmp_path / "archive"
    archive.mkdir()
    texts = ["Russia accused the US of lying about the strikes.\n\nThe Pentagon strongly denied the accusations.",
             "The ministry denied the report.", None, "It rained.", ""]
    for part in range(2):
        pq.write_table(pa.table({"id": pa.array([100 * part + k for k in range(len(texts))], pa.int64()),
                                 "text": pa.array(texts, pa.string()), "url": ["u"] * len(texts)}),
                       archive / f"part-{part:05d}.parquet")
    (archive / "_SUCCESS").write_text("")
    out = tmp_path / "out"
    status, stdout, err = run_cli(capsys, "predict", str(archive), "--engine", "spark", "--model", str(tiny_model_dir),
                                  "-o", str(out), "--buckets", "4", "--buckets-per-job", "4")
    assert status == 0, err
    assert "articles read 10: labelled 6 (0 with no claims), failed 4; claims written 8" in stdout
    rows = read_output(out)
    assert {r["article_id"]: r["error"] for r in rows if r["error"]} == {
        "2": "text is null", "102": "text is null", "4": "the article is empty", "104": "the article is empty"}
    assert [r["label"] for r in sorted(rows, key=lambda r: (r["article_id"], r["claim_index"] or 0))
            if r["article_id"] == "0"] == ["ACCUSATION", "DENIAL"]


@needs_spark
def test_bad_spark_input_is_one_line_error(spark, tiny_model_dir, tmp_path, capsys):
    model = ["--engine", "spark", "--model", str(tiny_model_dir)]
    no_text = tmp_path / "no-text.parquet"
    pq.write_table(pa.table({"id": ["a"], "body": ["The ministry denied it."]}), no_text)
    no_id = tmp_path / "no-id.jsonl"
    no_id.write_text(json.dumps({"text": "The ministry denied it."}) + "\n")
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": "The ministry denied it."}) + "\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    cases = [
        ([str(tmp_path / "missing.jsonl"), *model, "-o", str(tmp_path / "o1")], "no such file"),
        ([str(no_text), *model, "-o", str(tmp_path / "o2")], "no 'text' column (columns: id, body)"),
        ([str(no_id), *model, "-o", str(tmp_path / "o3")], "no 'id' field in the first records"),
        ([str(good), *model, "-o", str(a_file)], "is a file; --output must be a directory"),
        ([str(good), *model, "-o", str(foreign)], "is not the output of `stance predict --engine spark`"),
        ([str(good), *model], "give its directory with --output DIR"),
        ([str(good), *model, "-o", str(tmp_path / "o4"), "--format", "csv"], "--format is for --engine local"),
        ([str(good), "--model", str(tiny_model_dir), "--buckets", "4"], "--buckets is an option of --engine spark"),
    ]
    for argv, message in cases:
        status, out, err = run_cli(capsys, "predict", *argv)
        assert status == 2 and out == "", (argv, err)
        assert err.startswith("stance: error: ") and err.count("\n") == 1 and message in err, (message, err)


def test_help_explains_the_spark_options(capsys):
    with pytest.raises(SystemExit):
        main(["predict", "--engine", "spark", "--help"])
    out = capsys.readouterr().out
    for option in ("--master", "--input-format", "--buckets", "--buckets-per-job", "--partitions",
                   "--batch-articles", "--max-bytes", "claim_index null", "skips buckets already complete"):
        assert option in out


# --- the executor side, without Spark --------------------------------------------------------------

class FakePredictor:
    labels = ("ACCUSATION", "DENIAL", "NEUTRAL_REPORT")

    def predict_articles(self, texts, ids, progress=False):
        if any("boom" in t for t in texts):
            raise RuntimeError("boom")
        return [[] if t == "no claims" else
                [ClaimRecord(i, 0, 0, len(t), t, "DENIAL", 0.9, {"ACCUSATION": 0.05, "DENIAL": 0.9,
                                                              "NEUTRAL_REPORT": 0.05})]
                for i, t in zip(ids, texts)]


def test_label_batch_gives_every_article_a_row():
    batch = pa.RecordBatch.from_pydict({"id": ["a", "b", "c", None, "e"],
                                        "text": ["Denied.", "no claims", "boom", "Orphan.", None],
                                        "bucket": pa.array([1, 2, 3, 4, 5], pa.int32())})
    rows = label_batch(FakePredictor(), batch).to_pylist()
    assert [(r["article_id"], r["claim_index"], r["error"], r["bucket"]) for r in rows] == [
        ("a", 0, None, 1),
        ("b", None, None, 2),  # labelled, no claims: claim_index and error both null
        ("c", None, "prediction failed: RuntimeError: boom", 3),  # the others of the batch still get labelled
        (None, None, "id is null", 4),
        ("e", None, "text is null", 5),
    ]
    assert rows[0]["p_DENIAL"] == 0.9 and rows[1]["p_DENIAL"] is None


def test_jsonl_lines_and_odd_text():
    batch = pa.RecordBatch.from_pydict({"value": ['\ufeff{"id": 7, "text": "Denied."}', '[1, 2]',
                                                  '{"id": "x", "text": "bad \\ud800 surrogate"}'],
                                        "bucket": pa.array([0, 0, 0], pa.int32())})
    rows = label_batch(FakePredictor(), batch).to_pylist()
    assert rows[0]["article_id"] == "7" and rows[0]["label"] == "DENIAL"
    assert rows[1]["error"].startswith("not a JSON object")
    assert rows[2]["error"] == "text is not valid Unicode (lone surrogate at character 4)"
    assert article_problem("x" * 11, max_bytes=10).startswith("text is too long (11 bytes; the limit is 10)")
    assert article_problem("\u00e9" * 6, max_bytes=10).startswith("text is too long (12 bytes")
    assert article_problem("bin\x00ary") == "text looks like binary data (NUL characters)"
    assert article_problem("Fine.") is None


def test_inference_imports_no_training_code_and_no_pyspark():
    code = ("import sys, stance.inference.spark, stance.inference.predictor, stance.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('datasets', 'pyspark') "
            "or m.startswith(('stance.experiment', 'stance.corpora'))]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert result.stdout.strip() == "[]"
