"""Reporters' personal data under UU 27/2022: retention and data-subject requests."""
