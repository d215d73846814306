"""Figures that tests measure (fuzzing counts, example counts, fault-run row
counts), printed at the end of the pytest run so CI logs carry them."""

FIGURES: list[str] = []


def record(line: str) -> None:
    FIGURES.append(line)
