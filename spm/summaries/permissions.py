"""Who may read the compliance summaries: the Tim Efektif and the pimpinan
(and the portal's administrators, who can see them in the admin anyway)."""

READER_GROUPS = ("tim_efektif", "pimpinan")


def can_view_summaries(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=READER_GROUPS).exists()
