"""Measuring things: classification metrics and their MLflow names (``metrics``),
bootstrap and paired tests (``stats``), finished runs and the champion rule (``runs``),
the ``make eval`` report (``report``), throughput (``bench``), and how well the
segmenter, the speaker rules and the weak labels agree with gold (``segmentation``,
``speakers``, ``weak_report``). The champion is always chosen on dev."""
