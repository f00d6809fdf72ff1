"""Labels for claims: gold labels read by annotators (standoff files in ``gold/`` and the
blind second labels in ``relabel/``, batch files, the selection rules that choose what to
read, agreement, the interactive tool) and weak labels from named labelling functions.
A rule may choose which claims are read; it never decides a gold label."""
