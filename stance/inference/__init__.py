"""Prediction on new text: ``stance.load`` (a model directory or MLflow URI) gives a
``Predictor`` that segments articles and labels every claim; inputs are read and checked
here, outputs (table, JSONL, CSV, HTML, the pyfunc frame) share one claim-record schema.
Imports no training code, no ``datasets`` and no corpus readers."""
