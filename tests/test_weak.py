import pytest

from stance.labelling.weak import LABELLING_FUNCTIONS, votes, weak_label


@pytest.mark.parametrize("text, label", [
    ("The Pentagon strongly denied the accusations.", "DENIAL"),
    ('Manning described the Russian accusations as "absolutely false."', "DENIAL"),
    ("The company dismissed the allegations against its chief executive.", "DENIAL"),
    ("He pleaded not guilty to all charges.", "DENIAL"),
    ("Russia accused the United States of pretending to fight Daesh.", "ACCUSATION"),
    ("The mayor was charged with fraud last year.", "ACCUSATION"),
    ("She was blamed for the failure.", "ACCUSATION"),
    # false friends and negation
    ("The journalist was denied entry to the country.", "NEUTRAL_REPORT"),
    ("The Senate rejected the proposal on Tuesday.", "NEUTRAL_REPORT"),
    ("He is in charge of the program.", "NEUTRAL_REPORT"),
    ("Nobody accused the mayor of anything.", "NEUTRAL_REPORT"),
    ("The court dismissed the lawsuit.", "NEUTRAL_REPORT"),
    ("Temperatures will rise this week.", "NEUTRAL_REPORT"),
])
def test_weak_label(text, label):
    assert weak_label(text) == label


def test_denial_wins_over_accusation():
    text = "The ministry denied the report and accused Kiev of staging the attack."
    cast = votes(text)
    assert cast["deny_verb"] == "DENIAL" and cast["accuse_verb"] == "ACCUSATION"
    assert weak_label(text) == "DENIAL"


def test_every_function_has_a_name_and_description():
    names = [lf.name for lf in LABELLING_FUNCTIONS]
    assert len(names) == len(set(names))
    assert all(lf.description for lf in LABELLING_FUNCTIONS)
