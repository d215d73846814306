"""SPM pages, one module per concern: the dashboard (dashboard.py), the e-SPM
export (export.py) and the Tim Efektif's data entry (entry.py); access rules
shared by all of them in access.py."""
