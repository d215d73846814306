"""Satpol PP desk pages (/petugas/)."""
