"""Claim-stance classification in news: ACCUSATION, DENIAL or NEUTRAL_REPORT."""
