"""The staff roles, named once. Each is a Django group of the same name
(created by incidents.reference.seed); a superuser acts as ADMIN."""

PETUGAS = "petugas"
KOORDINATOR = "koordinator"
MITRA = "mitra"
TIM_EFEKTIF = "tim_efektif"
PIMPINAN = "pimpinan"
ADMIN = "admin"

# The groups, in the order the admin and the staff command list them.
ROLES = (PETUGAS, KOORDINATOR, MITRA, TIM_EFEKTIF, PIMPINAN)
STAFF_ROLES = frozenset(ROLES)
WRITER_ROLES = frozenset({PETUGAS, KOORDINATOR, MITRA})
READ_ALL_ROLES = frozenset({KOORDINATOR, TIM_EFEKTIF, PIMPINAN, ADMIN})
