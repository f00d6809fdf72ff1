import pytest

from stance.claims.speaker import find_speaker


@pytest.mark.parametrize("claim, speaker", [
    ('"Everyone sees it," said Major-General Igor Konashenkov, a spokesman for the ministry.',
     "Major-General Igor Konashenkov"),
    ('"We remain committed to the fight," Manning said.', "Manning"),
    ("The Pentagon strongly denied the accusations.", "The Pentagon"),
    ("In Washington, Pentagon spokesman Colonel Robert Manning described the accusations as false.",
     "Pentagon spokesman Colonel Robert Manning"),
    ("The result, he said, had been that militants moved.", "he"),
    ("According to the ministry, the strikes stopped.", "the ministry"),
    ("The talks failed, said one source in the room.", "one source in the room"),
    ("Temperatures rose sharply on Tuesday.", None),
    ("It said nothing.", None),
])
def test_find_speaker(claim, speaker):
    found = find_speaker(claim)
    assert (claim[found[0]:found[1]] if found else None) == speaker
