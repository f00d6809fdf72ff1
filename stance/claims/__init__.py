"""Articles into claims: where each claim starts and ends (``segment``), what a reader saw
just before it (``context_of``), and who is quoted (``speaker``). Pure text processing
with exact character offsets; nothing here imports an ML library."""
