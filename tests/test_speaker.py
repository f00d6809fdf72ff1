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


def test_speaker_context_names_the_speaker_and_the_claim_just_before():
    from stance.claims.speaker import speaker_and_previous

    context = "Russia accused the US of pretending. It said strikes fell by 90 percent."
    claim = "The claims are absolutely false, Pentagon spokesman Robert Manning said."
    assert speaker_and_previous(claim, context) == ("speaker: Pentagon spokesman Robert Manning | "
                                                    "before: It said strikes fell by 90 percent.")
    assert speaker_and_previous("Rain is expected.", "") == "speaker: no speaker | before: "
