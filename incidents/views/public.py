"""Citizen pages: home, report form, tracking."""
