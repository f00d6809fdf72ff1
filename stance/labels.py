"""The label set. Order matters: it is the ClassLabel order and the column order of probabilities."""

LABELS: tuple[str, ...] = ("ACCUSATION", "DENIAL", "NEUTRAL_REPORT")
LABEL2ID: dict[str, int] = {name: i for i, name in enumerate(LABELS)}
NEUTRAL = "NEUTRAL_REPORT"


def check_label(value: str, where: str) -> str:
    """Return ``value`` if it is a known label, else raise a StanceError naming ``where``."""
    from stance.errors import StanceError

    if value not in LABEL2ID:
        raise StanceError(f"{where}: unknown label {value!r} (expected one of {', '.join(LABELS)})")
    return value
