from hypothesis import given, settings
from hypothesis import strategies as st

from stance.claims.segment import segment


def texts(claims):
    return [c.text for c in claims]


def test_offsets_are_exact_and_ordered_on_a_real_looking_article():
    article = ("WORLD\n\nRussia says US 'pretending' to fight Daesh\nOctober 11, 2017\n\n"
               "Russia accused the U.S. on Tuesday of pretending to fight Daesh. The Pentagon denied it.\n")
    claims = segment(article)
    for claim in claims:
        assert article[claim.start:claim.end] == claim.text
    assert [c.start for c in claims] == sorted(c.start for c in claims)
    assert texts(claims) == ["WORLD", "Russia says US 'pretending' to fight Daesh", "October 11, 2017",
                             "Russia accused the U.S. on Tuesday of pretending to fight Daesh.",
                             "The Pentagon denied it."]


def test_abbreviations_do_not_end_sentences():
    text = ("Maj.-Gen. Igor Konashenkov spoke. Dr. Smith and Sen. Jones met Gov. Brown in Jan. 2016. "
            "J. R. Smith agreed. The U.S. Army was there.")
    assert texts(segment(text)) == [
        "Maj.-Gen. Igor Konashenkov spoke.",
        "Dr. Smith and Sen. Jones met Gov. Brown in Jan. 2016.",
        "J. R. Smith agreed.",
        "The U.S. Army was there.",
    ]


def test_acronym_then_sentence_opener_splits():
    assert texts(segment("He flew to the U.S. The trip was short.")) == ["He flew to the U.S.", "The trip was short."]


def test_quotation_spanning_sentences_stays_one_claim():
    text = '“She has experience. She is smart. She will win,” the paper wrote. Then it ended.'
    assert texts(segment(text)) == ['“She has experience. She is smart. She will win,” the paper wrote.', "Then it ended."]


def test_unclosed_quotation_does_not_swallow_the_paragraph():
    text = '“This is the first sentence. This is the second one. And a third'
    assert len(segment(text)) == 3


def test_quote_continuation_joins_the_attributed_sentence():
    text = '"Tom is a visionary," said Robert McAtee, a veteran. "He stepped in when no one else would." Then he left.'
    assert texts(segment(text)) == [
        '"Tom is a visionary," said Robert McAtee, a veteran. "He stepped in when no one else would."',
        "Then he left.",
    ]


def test_two_attributed_statements_are_split():
    text = "Moscow said the strikes were illegal, while Washington denied any involvement."
    # the joining comma belongs to neither claim
    assert texts(segment(text)) == ["Moscow said the strikes were illegal", "while Washington denied any involvement."]


def test_clause_without_two_cues_is_not_split():
    text = "The ministry said the strikes continued, while the weather improved."
    assert len(segment(text)) == 1


def test_paragraphs_and_whitespace():
    text = "  Headline here  \n\n\nBy Jane Doe\n   \nFirst sentence.  Second sentence!\n"
    claims = segment(text)
    assert texts(claims) == ["Headline here", "By Jane Doe", "First sentence.", "Second sentence!"]
    assert [c.paragraph for c in claims] == [0, 1, 2, 2]


def test_empty_text_has_no_claims():
    assert segment("") == []
    assert segment(" \n\n \t") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcXYZ .!?\n\"“”'-,;:U.S.0123")), max_size=400))
def test_offsets_invariant_holds_for_any_text(text):
    claims = segment(text)
    previous_end = 0
    for claim in claims:
        assert text[claim.start:claim.end] == claim.text
        assert claim.text == claim.text.strip() and claim.text
        assert claim.start >= previous_end
        previous_end = claim.end
