"""Research-grade comparison of trained models on the gold test split (``make eval``)."""
