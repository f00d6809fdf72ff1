"""Training runs: typed YAML configs (with ``base:`` inheritance and named suites), one
MLflow run per config (params, per-epoch metrics, dev/test scores, predictions, the
saved model logged as a pyfunc), and the process-rank guard for distributed training."""
