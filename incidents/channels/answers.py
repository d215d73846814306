"""Answers to the category's questions as villagers write them by SMS."""

from incidents.channels import matching

# What a "don't know" answer to a text question is stored as.
DONT_KNOW = "tidak tahu"


def parse_answer(question: dict, text: str):
    """The value of an answer to one of the category's questions, as the web
    form stores it (details), or None when it is not one."""
    qtype = question.get("type", "text")
    if qtype == "choice":
        choices = question.get("choices", [])
        index = matching.match_choice(text, choices)
        return choices[index][0] if index is not None else None
    if qtype == "boolean":
        if matching.is_yes(text):
            return True
        if matching.is_no(text):
            return False
        return None
    if qtype == "integer":
        if " ".join(matching.meaningful_words(text)) == "tidak ada":
            return 0
        digits = text.strip().replace(".", "")
        return int(digits) if digits.isdecimal() else matching.parse_number(text)
    if matching.is_dont_know(text):
        return DONT_KNOW
    return text[:1000] if text else None
