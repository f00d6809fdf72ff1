"""Small data written for the tests (importable from test modules)."""

CLAIMS = [
    ("Russia accused the United States of pretending to fight the militants.", "ACCUSATION"),
    ("The opposition blamed the mayor for the collapse of the bridge.", "ACCUSATION"),
    ("Prosecutors charged the senator with bribery and fraud.", "ACCUSATION"),
    ("Critics say the company lied to regulators about emissions.", "ACCUSATION"),
    ("The Pentagon strongly denied the accusations.", "DENIAL"),
    ("The ministry dismissed the report as baseless.", "DENIAL"),
    ("A spokesman said the claims were completely false.", "DENIAL"),
    ("His lawyer insisted he did nothing wrong.", "DENIAL"),
    ("The council will meet on Tuesday to discuss the budget.", "NEUTRAL_REPORT"),
    ("Temperatures are expected to rise later this week.", "NEUTRAL_REPORT"),
    ("The senator was denied entry to the building.", "NEUTRAL_REPORT"),
    ("The committee rejected the proposal by a vote of 7 to 2.", "NEUTRAL_REPORT"),
]
