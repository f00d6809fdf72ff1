"""Label a news archive on Spark: ``stance predict --engine spark``.

Input: JSONL (one ``{"id": ..., "text": ...}`` object per line) or Parquet with ``id`` and
``text`` columns; a file, a directory of part files, or several of either (local paths or
any filesystem Spark reads: ``hdfs://``, ``s3a://``, ...).

Output: a Parquet dataset, one row per claim with the columns of ``ClaimRecord.flat()``
(the schema of ``stance predict --format csv`` and the MLflow pyfunc) plus ``error`` and
``bucket``. Every input article leaves a trace: its claims (``claim_index`` 0..n-1), or,
when it has none, exactly one row with ``claim_index`` null: ``error`` says why it was not
labelled (text null, empty, not a string, longer than ``--max-bytes``, not JSON, ...) or is
null when the article simply holds no claim. So the articles of the output are the rows
with ``claim_index`` null or 0, and the job checks that number against the input, bucket
by bucket.

Resume: the output is partitioned by ``bucket = pmod(xxhash64(id), --buckets)`` and written
a few buckets per Spark job (``--buckets-per-job``), each job replacing only its own
``bucket=N`` directories (dynamic partition overwrite). A rerun with the same input, model
and bucket count skips every bucket whose article count in the output already equals the
input's, and redoes the others. ``OUT/_stance/run`` records what the output was made from;
a rerun with another model, input or bucket count is refused.

Model shipping: the model directory (an MLflow URI is downloaded first) is resolved and
loaded once on the driver, to fail early, then zipped and shipped with
``SparkContext.addArchive`` (``addFile`` refuses local directories on a cluster), so
executors need no shared filesystem and no MLflow access. A ``mapInArrow`` function loads it once per Python
worker process (cached in ``_PREDICTORS``; Spark reuses workers) and labels Arrow batches
of ``--batch-articles`` articles with ``Predictor.predict_articles``, the local engine's
code. Torch in each worker uses ``spark.task.cpus`` threads (1 by default): one worker per
core. (``mapInArrow`` rather than ``mapInPandas``: the same pandas-UDF machinery without a
pandas round trip, whose null and string handling PySpark does not yet support for pandas 3.)

pyspark is imported inside functions only: ``import stance.inference.spark`` works without it.
"""

from __future__ import annotations

import atexit
import glob
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import StanceError
from stance.inference.inputs import MAX_ARTICLE_BYTES, text_problem
from stance.records import flat_columns

DEFAULT_BUCKETS = 64
MAX_JOBS = 8  # automatic --buckets-per-job: at most this many jobs (each one rereads the input) ...
MIN_JOB_ARTICLES = 20_000  # ... and, when the input allows, at least this many articles per job
DEFAULT_BATCH_ARTICLES = 256
STATE_DIR = "_stance"  # inside the output; Spark skips names starting with "_" when reading the dataset
INPUT_FORMATS = ("auto", "jsonl", "parquet")
JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
GLOB_CHARS = "*?[]{}"  # Hadoop path globbing: allowed in inputs, not in the output
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".deflate", ".zst", ".lz4", ".snappy")
_INT_COLUMNS = ("claim_index", "start", "end", "speaker_start", "speaker_end", "bucket")
_JSON_TYPES = {dict: "an object", list: "an array", int: "a number", float: "a number", bool: "a boolean"}


@dataclass
class SparkOptions:
    inputs: list[str]
    output: str
    model: str
    master: str | None = None  # None: what spark-submit gave, else local[*]
    input_format: str = "auto"
    buckets: int = DEFAULT_BUCKETS
    buckets_per_job: int | None = None  # None: automatic (jobs_of)
    partitions: int | None = None  # None: 2 x Spark's default parallelism
    batch_articles: int = DEFAULT_BATCH_ARTICLES
    max_bytes: int = MAX_ARTICLE_BYTES


@dataclass
class Counts:
    """Articles and claims of some buckets of the output."""

    articles: int = 0
    claims: int = 0
    failed: int = 0
    no_claims: int = 0  # labelled, but segmentation found no claim

    @property
    def labelled(self) -> int:
        return self.articles - self.failed

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.articles + other.articles, self.claims + other.claims, self.failed + other.failed,
                      self.no_claims + other.no_claims)


@dataclass
class Summary:
    read: int  # input articles
    written: Counts  # this run's buckets, read back from the output
    skipped: Counts  # buckets already complete before this run
    buckets: int  # buckets holding input articles
    buckets_skipped: int
    seconds: float
    errors: Counter = field(default_factory=Counter)

    @property
    def total(self) -> Counts:
        return self.written + self.skipped

    @property
    def claims_per_second(self) -> float:
        return self.written.claims / self.seconds if self.seconds else 0.0

    def lines(self, output: str) -> list[str]:
        total = self.total
        lines = [f"articles read {self.read:,}: labelled {total.labelled:,} ({total.no_claims:,} with no claims), "
                 f"failed {total.failed:,}; claims written {total.claims:,} to {output}",
                 f"output rows {total.claims + total.failed + total.no_claims:,} = {total.claims:,} claims "
                 f"+ {total.failed:,} error rows + {total.no_claims:,} no-claim rows; articles in the output "
                 f"{total.articles:,} = read {self.read:,}"]
        if self.errors:
            lines.append("failed: " + ", ".join(f"{reason} {n:,}" for reason, n in self.errors.most_common()))
        done = f"{self.buckets - self.buckets_skipped} of {self.buckets} buckets labelled"
        if self.buckets_skipped:
            done += f" ({self.buckets_skipped} already complete, skipped: {self.skipped.articles:,} articles)"
        lines.append(f"{done} in {self.seconds:.1f} s: {self.written.claims:,} claims, "
                     f"{self.claims_per_second:,.1f} claims/s")
        return lines


# --- executor side: no pyspark needed, so it is testable without Spark --------------------------

def output_columns(labels) -> list[str]:
    return [*flat_columns(tuple(labels)), "error", "bucket"]


def output_ddl(labels) -> str:
    """The Spark schema of the output, as DDL."""
    types = {column: "int" for column in _INT_COLUMNS}
    types.update({column: "double" for column in ("probability", *(f"p_{label}" for label in labels))})
    return ", ".join(f"`{column}` {types.get(column, 'string')}" for column in output_columns(labels))


def arrow_schema(labels):
    import pyarrow as pa

    names = {"int": pa.int32(), "double": pa.float64(), "string": pa.string()}
    fields = [part.rsplit(" ", 1) for part in output_ddl(labels).split(", ")]
    return pa.schema([pa.field(name.strip("`"), names[kind]) for name, kind in fields])


def _valid_unicode(value: str) -> str:
    """``value`` when it encodes as UTF-8; lone surrogates (possible from JSON escapes) escaped."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def article_problem(text, max_bytes: int = MAX_ARTICLE_BYTES) -> str | None:
    """Why ``text`` cannot be labelled (None: it can): the local engine's checks, per row."""
    if text is None:
        return "text is null"
    if not isinstance(text, str):
        return f"text is not a string ({_JSON_TYPES.get(type(text), type(text).__name__)})"
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        return f"text is not valid Unicode (lone surrogate at character {exc.start})"
    if size > max_bytes:
        return f"text is too long ({size:,} bytes; the limit is {max_bytes:,}); split the article"
    if "\x00" in text[:8192]:
        return "text looks like binary data (NUL characters)"
    return text_problem(text)


def parse_jsonl_line(line: str) -> tuple[str | None, object, str | None]:
    """(id, text, problem) of one JSONL line."""
    try:
        record = json.loads(line.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        return None, None, f"not valid JSON ({exc.msg}): {line[:60]!r}"
    if not isinstance(record, dict):
        return None, None, f"not a JSON object: {line[:60]!r}"
    article_id = record.get("id")
    article_id = None if article_id is None else _valid_unicode(str(article_id))
    if "text" not in record:
        return article_id, None, "no 'text' field"
    return article_id, record["text"], None


def label_batch(predictor, batch, max_bytes: int = MAX_ARTICLE_BYTES):
    """Claims of a batch of articles: an Arrow batch (``id``, ``text``, ``bucket`` or a JSONL
    line ``value`` and ``bucket``) in, an Arrow batch with the output schema out. One row per
    claim; one row with ``claim_index`` null per article without claims (``error`` says why)."""
    import pyarrow as pa

    names = batch.schema.names
    buckets = batch.column(names.index("bucket")).to_pylist()
    if "value" in names:
        articles = [parse_jsonl_line(line) for line in batch.column(names.index("value")).to_pylist()]
    else:
        articles = [(i, t, None) for i, t in zip(batch.column(names.index("id")).to_pylist(),
                                                  batch.column(names.index("text")).to_pylist())]
    problems = []
    for article_id, text, problem in articles:
        if problem is None and article_id is None:
            problem = "id is null"
        problems.append(problem or article_problem(text, max_bytes))
    good = [k for k, problem in enumerate(problems) if problem is None]
    claims = dict(zip(good, _predict(predictor, [articles[k][1] for k in good], [articles[k][0] for k in good],
                                     [problems[k] for k in good])))
    for k in good:  # an article the model failed on
        if isinstance(claims[k], str):
            problems[k], claims[k] = claims[k], []

    columns = output_columns(predictor.labels)
    rows = {column: [] for column in columns}
    for k, (article_id, _, _) in enumerate(articles):
        for claim in claims.get(k) or [None]:
            flat = claim.flat() if claim is not None else {"article_id": article_id}
            flat.update(error=problems[k] if claim is None else None, bucket=buckets[k])
            for column in columns:
                rows[column].append(flat.get(column))
    return pa.RecordBatch.from_pydict(rows, schema=arrow_schema(predictor.labels))


def _predict(predictor, texts, ids, problems):
    """``predict_articles``; when it raises, article by article, so one bad article fails alone
    (its entry is then the error message instead of a claim list)."""
    try:
        return predictor.predict_articles(texts, ids=ids, progress=False)
    except Exception:
        results = []
        for text, article_id in zip(texts, ids):
            try:
                results.append(predictor.predict_articles([text], ids=[article_id], progress=False)[0])
            except Exception as exc:  # the job goes on; the row says what happened
                results.append(f"prediction failed: {type(exc).__name__}: {exc}".splitlines()[0][:500])
        return results


_PREDICTORS: dict[str, object] = {}  # per Python worker process: model path -> Predictor


def _worker_predictor(name: str):
    from pyspark import SparkFiles, TaskContext

    path = SparkFiles.get(name)
    if path not in _PREDICTORS:
        from stance.inference.predictor import load

        _PREDICTORS[path] = load(path)
        if "torch" in sys.modules:  # one worker per task slot: give each its own share of the cores
            context = TaskContext.get()
            sys.modules["torch"].set_num_threads(max(1, context.cpus() if context else 1))
    return _PREDICTORS[path]


def _label_partition(batches, model_name: str, max_bytes: int):
    predictor = None
    for batch in batches:
        if predictor is None:  # empty partitions load nothing
            predictor = _worker_predictor(model_name)
        yield label_batch(predictor, batch, max_bytes)


# --- driver side ---------------------------------------------------------------------------------

def _remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _local(path: str) -> Path:
    return Path(path.removeprefix("file://")).expanduser()


def _data_files(directory: Path) -> list[Path]:
    return [p for p in sorted(directory.rglob("*")) if p.is_file()
            and not any(part.startswith(("_", ".")) for part in p.relative_to(directory).parts)]


def _format_of(path: str) -> str | None:
    name = path.lower().rstrip("/")
    for suffix in COMPRESSION_SUFFIXES:
        if name.endswith(suffix) and not name.endswith(".parquet"):
            name = name.removesuffix(suffix)
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(".txt"):
        raise StanceError(f"{path}: the spark engine reads JSONL or Parquet with 'id' and 'text'; "
                          f"label .txt files with --engine local")
    return None


def check_paths(options: SparkOptions) -> str:
    """Fail before starting Spark on what can be checked locally; returns the input format."""
    if not options.output:
        raise StanceError("--engine spark writes a Parquet dataset: give its directory with --output DIR")
    for name in ("buckets", "buckets_per_job", "partitions", "batch_articles", "max_bytes"):
        if getattr(options, name) is not None and getattr(options, name) < 1:
            raise StanceError(f"--{name.replace('_', '-')} must be at least 1")
    formats = set()
    for source in options.inputs:
        if source == "-":
            raise StanceError("the spark engine cannot read stdin; give JSONL or Parquet files")
        if _remote(source):
            formats.add(_format_of(source) if options.input_format == "auto" else options.input_format)
            continue
        matches = ([Path(m) for m in sorted(glob.glob(str(_local(source))))] if any(c in source for c in GLOB_CHARS)
                   else [_local(source)] if _local(source).exists() else [])
        if not matches:
            raise StanceError(f"{source}: no such file or directory")
        for path in matches:
            files = _data_files(path) if path.is_dir() else [path]
            if not files:
                raise StanceError(f"{path}: directory holds no data files")
            if options.input_format == "auto":
                formats |= {_format_of(str(file)) for file in files}
    if options.input_format != "auto":
        fmt = options.input_format
    elif len(formats) == 1 and None not in formats:
        fmt = formats.pop()
    else:
        raise StanceError("cannot tell the input format from the file names "
                          f"({', '.join(sorted(f or 'unknown' for f in formats))}); give --input-format jsonl|parquet")
    if any(c in options.output for c in GLOB_CHARS):
        raise StanceError(f"{options.output}: Spark reads {''.join(GLOB_CHARS)} in paths as wildcards; "
                          f"choose an output directory name without them")
    if not _remote(options.output):
        out = _local(options.output)
        if out.is_file():
            raise StanceError(f"{options.output}: is a file; --output must be a directory for the Parquet dataset")
        if out.is_dir() and any(out.iterdir()) and not (out / STATE_DIR).is_dir():
            raise StanceError(f"{options.output}: exists and is not the output of `stance predict --engine spark`; "
                              f"give a new or empty directory")
    return fmt


def _start_session(master: str | None, batch_articles: int):
    """The active SparkSession, or a new one; returns (session, whether we started it)."""
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")  # we use no pandas
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise StanceError("the spark engine needs pyspark: pip install -e '.[spark]' (or make spark-setup)") from None
    active = SparkSession.getActiveSession()
    started = active is None
    if started:
        if master is None:  # under spark-submit the master is its --master; else this machine
            master = None if os.environ.get("PYSPARK_GATEWAY_PORT") else "local[*]"
        if master and master.startswith("local"):
            if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
                raise StanceError("the spark engine needs a Java runtime (17 or newer): make spark-setup, "
                                  "or apt-get install openjdk-17-jre-headless")
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter
        builder = SparkSession.builder.appName("stance predict")
        if master:  # not under spark-submit, whose settings we leave alone
            builder = builder.master(master).config("spark.ui.showConsoleProgress", "true")
        try:
            active = builder.getOrCreate()
        except Exception as exc:
            raise StanceError(f"could not start Spark: {_first_line(exc)}") from None
        active.sparkContext.setLogLevel("WARN")
    active.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_articles))
    return active, started


def _first_line(exc: BaseException) -> str:
    java = getattr(exc, "java_exception", None)  # py4j: the Java exception says what went wrong
    text = str(java.toString()) if java is not None else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _read_articles(spark, inputs: list[str], fmt: str, buckets: int):
    """Input articles with their bucket: (id, text, bucket) from Parquet, (value, bucket) from JSONL."""
    from pyspark.sql import functions as F

    where = ", ".join(inputs)
    if fmt == "parquet":
        frame = spark.read.parquet(*inputs)
        missing = [column for column in ("id", "text") if column not in frame.columns]
        if missing:
            raise StanceError(f"{where}: no {' or '.join(repr(m) for m in missing)} column "
                              f"(columns: {', '.join(frame.columns)})")
        kind = dict(frame.dtypes)["text"]
        if kind != "string":
            raise StanceError(f"{where}: column 'text' holds {kind}, not string; cast it to string first")
        frame = frame.select(F.col("id").cast("string").alias("id"), F.col("text"))
        key = F.col("id")
    else:
        frame = spark.read.text(inputs).where(F.col("value").rlike(r"\S"))  # blank lines are skipped
        sample = frame.limit(20).collect()
        if not sample:
            raise StanceError(f"{where}: no articles (every line is blank)")
        keys = set()
        for row in sample:
            try:
                record = json.loads(row.value.lstrip("\ufeff"))
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                keys |= set(record)
        missing = [column for column in ("id", "text") if column not in keys]
        if missing:
            raise StanceError(f"{where}: no {' or '.join(repr(m) for m in missing)} field in the first "
                              f"records; each line must be a JSON object with 'id' and 'text'")
        key = F.get_json_object("value", "$.id")
    return frame.withColumn("bucket", F.pmod(F.xxhash64(key), F.lit(buckets)).cast("int"))


def _exists(spark, path: str) -> bool:
    if not _remote(path):
        return _local(path).exists()
    try:  # Hadoop's FileSystem, which pyspark reaches only through its JVM gateway
        jvm_path = spark._jvm.org.apache.hadoop.fs.Path(path)
        return jvm_path.getFileSystem(spark._jsc.hadoopConfiguration()).exists(jvm_path)
    except Exception:
        return True  # let the read say what is wrong


def _output_counts(spark, output: str, labels, buckets: list[int] | None = None) -> dict[int, Counts]:
    from pyspark.sql import functions as F

    if not _exists(spark, output):
        return {}
    frame = spark.read.schema(output_ddl(labels)).parquet(output)
    if buckets is not None:
        frame = frame.where(F.col("bucket").isin(buckets))
    article = F.col("claim_index").isNull() | (F.col("claim_index") == 0)
    rows = frame.groupBy("bucket").agg(
        F.sum(F.when(article, 1).otherwise(0)).alias("articles"),
        F.count("claim_index").alias("claims"),
        F.count("error").alias("failed"),
        F.sum(F.when(F.col("claim_index").isNull() & F.col("error").isNull(), 1).otherwise(0)).alias("no_claims"),
    ).collect()
    return {row.bucket: Counts(row.articles, row.claims, row.failed, row.no_claims) for row in rows}


def _error_reasons(spark, output: str, labels, buckets: list[int]) -> Counter:
    from pyspark.sql import functions as F

    if not buckets:
        return Counter()
    frame = spark.read.schema(output_ddl(labels)).parquet(output)
    reason = F.trim(F.regexp_extract("error", r"^[^(:;]*", 0))
    rows = (frame.where(F.col("bucket").isin(buckets) & F.col("error").isNotNull())
            .groupBy(reason.alias("reason")).count().collect())
    return Counter({row.reason: row["count"] for row in rows})


def model_fingerprint(model_dir: Path) -> str:
    """sha256 over the model directory's file names and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(model_dir)).encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


_PACKED: dict[str, Path] = {}  # driver: model fingerprint -> zip shipped to executors


def ship_model(context, model_dir: Path, fingerprint: str) -> str:
    """Ship the model directory to every executor, as a zip archive (``addFile`` takes local
    directories only with a local master); returns the name executors open it by."""
    name = f"stance-model-{fingerprint[:16]}.zip"
    if fingerprint not in _PACKED:
        folder = Path(tempfile.mkdtemp(prefix="stance-spark-"))
        atexit.register(shutil.rmtree, folder, True)  # executors may fetch it until the session ends
        with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_STORED) as archive:  # weights hardly compress
            for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
                archive.write(path, path.relative_to(model_dir))
        _PACKED[fingerprint] = folder / name
    if not any(uri.endswith("/" + name) for uri in context.listArchives):
        context.addArchive(str(_PACKED[fingerprint]))
    return name


def _run_record(options: SparkOptions, fingerprint: str, fmt: str) -> dict:
    inputs = [source if _remote(source) else str(_local(source).resolve()) for source in options.inputs]
    return {"model": options.model, "model_sha256": fingerprint, "inputs": json.dumps(sorted(inputs)),
            "input_format": fmt, "buckets": options.buckets, "max_bytes": options.max_bytes}


def _check_run_record(spark, output: str, record: dict) -> None:
    """Record what the output is made of; refuse to mix in another model, input or bucket count."""
    where = f"{output.rstrip('/')}/{STATE_DIR}/run"
    rows = spark.read.json(where).collect() if _exists(spark, where) else []
    if not rows:
        spark.createDataFrame([record]).coalesce(1).write.mode("overwrite").json(where)
        return
    before = rows[0].asDict()
    names = {"model_sha256": "model", "inputs": "input", "input_format": "input format", "buckets": "--buckets",
             "max_bytes": "--max-bytes"}
    for key, name in names.items():
        if str(before.get(key)) != str(record[key]):
            shown = before.get("model") if key == "model_sha256" else before.get(key)
            raise StanceError(f"{output}: was written with another {name} ({shown}); give a new --output "
                              f"directory, or delete this one to start over")


def run(options: SparkOptions, log=print) -> Summary:
    """Label every article of ``options.inputs`` into the Parquet dataset ``options.output``."""
    from stance.inference.predictor import _resolve_local, load

    fmt = check_paths(options)
    model_dir = _resolve_local(options.model).resolve()
    labels = load(model_dir).labels  # fails here, once, on a bad model rather than in every task
    spark, started = _start_session(options.master, options.batch_articles)
    try:
        return _run(spark, options, fmt, model_dir, labels, log)
    except StanceError:
        raise
    except Exception as exc:
        from pyspark.errors import PySparkException
        from py4j.protocol import Py4JJavaError

        if isinstance(exc, (PySparkException, Py4JJavaError)):
            raise StanceError(f"Spark failed: {_first_line(exc)}") from None
        raise
    finally:
        if started:
            spark.stop()


def _ranges(numbers: list[int]) -> str:
    """[0, 1, 2, 5, 7, 8] -> '0-2,5,7-8'."""
    parts, start = [], None
    for k, n in enumerate(numbers):
        if start is None:
            start = n
        if k + 1 == len(numbers) or numbers[k + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}-{n}")
            start = None
    return ",".join(parts)


def jobs_of(todo: list[int], articles: dict[int, int], buckets_per_job: int | None = None) -> list[list[int]]:
    """The buckets to label, grouped into Spark jobs. Automatic: at most MAX_JOBS jobs (every job
    reads the whole input and keeps its buckets' articles), fewer when that leaves a job under
    MIN_JOB_ARTICLES articles, so a small input runs as one job."""
    if buckets_per_job is None:
        per_bucket = max(1, sum(articles[b] for b in todo) // max(1, len(todo)))
        buckets_per_job = max(-(-len(todo) // MAX_JOBS), -(-MIN_JOB_ARTICLES // per_bucket))
    return [todo[i:i + buckets_per_job] for i in range(0, len(todo), buckets_per_job)]


def _run(spark, options: SparkOptions, fmt: str, model_dir: Path, labels, log) -> Summary:
    from pyspark.sql import functions as F

    context = spark.sparkContext
    if context.uiWebUrl:
        log(f"Spark {spark.version} on {context.master}; progress: {context.uiWebUrl}", file=sys.stderr)
    output = options.output
    articles = _read_articles(spark, options.inputs, fmt, options.buckets)  # checks the columns
    fingerprint = model_fingerprint(model_dir)
    _check_run_record(spark, output, _run_record(options, fingerprint, fmt))
    name = ship_model(context, model_dir, fingerprint)

    started = time.perf_counter()
    wanted = {row.bucket: row["count"] for row in articles.groupBy("bucket").count().collect()}
    before = _output_counts(spark, output, labels)
    done = sorted(b for b, n in wanted.items() if before.get(b, Counts()).articles == n)
    stale = sorted(b for b, counts in before.items() if b not in wanted and counts.articles)
    if stale:
        log(f"warning: {output} holds bucket(s) {', '.join(map(str, stale))} with no input articles now "
            f"(did the input change?); they are not counted", file=sys.stderr)
    todo = sorted(set(wanted) - set(done))
    partitions = options.partitions or 2 * context.defaultParallelism
    written = Counts()
    waves = jobs_of(todo, wanted, options.buckets_per_job)
    max_bytes, schema = options.max_bytes, output_ddl(labels)
    for number, wave in enumerate(waves, start=1):
        wave_started = time.perf_counter()
        context.setJobDescription(f"stance: buckets {_ranges(wave)} ({number}/{len(waves)})")
        # Round-robin tasks balance the model's work; the claims are then regrouped by bucket,
        # so each bucket is one Parquet file per job rather than one per task (small files).
        labelled = (articles.where(F.col("bucket").isin(wave)).repartition(partitions)
                    .mapInArrow(lambda batches: _label_partition(batches, name, max_bytes), schema)
                    .repartition("bucket"))
        (labelled.write.mode("overwrite").option("partitionOverwriteMode", "dynamic")
         .partitionBy("bucket").parquet(output))
        counts = _output_counts(spark, output, labels, wave)
        wrong = [b for b in wave if counts.get(b, Counts()).articles != wanted[b]]
        if wrong:
            raise StanceError(f"bucket(s) {', '.join(map(str, wrong))}: "
                              + "; ".join(f"{wanted[b]} articles read, {counts.get(b, Counts()).articles} in the output"
                                          for b in wrong[:3]) + "; rerun to redo them")
        wave_counts = sum(counts.values(), Counts())
        written += wave_counts
        seconds = time.perf_counter() - wave_started
        log(f"[{number}/{len(waves)}] buckets {_ranges(wave)}: {wave_counts.articles:,} articles, "
            f"{wave_counts.claims:,} claims, {wave_counts.failed:,} failed, {seconds:.1f} s "
            f"({wave_counts.claims / seconds:,.0f} claims/s)", file=sys.stderr)
    context.setJobDescription(None)
    skipped = sum((before[b] for b in done), Counts())
    summary = Summary(read=sum(wanted.values()), written=written, skipped=skipped, buckets=len(wanted),
                      buckets_skipped=len(done), seconds=time.perf_counter() - started,
                      errors=_error_reasons(spark, output, labels, sorted(wanted)))
    total = summary.total
    if total.articles != summary.read:  # checked per job already; this also covers the skipped buckets
        raise StanceError(f"accounting mismatch: {summary.read} articles read, {total.articles} in the output")
    return summary


if __name__ == "__main__":  # spark-submit .../stance/inference/spark.py INPUT... --output DIR --model M
    from stance.cli import main

    sys.exit(main(["predict", "--engine", "spark", *sys.argv[1:]]))
