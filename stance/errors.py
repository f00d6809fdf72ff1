"""User-facing errors.

Anything a user can cause (a bad file, a bad config, a missing model) raises
``StanceError`` with a message that names the file, line or field. The CLI prints
the message on one line and exits non-zero instead of showing a traceback.
"""


class StanceError(Exception):
    """An error caused by input the user controls; its message is the whole story."""
