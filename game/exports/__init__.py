"""Exports: repetitions as CSV, a FHIR R4 Bundle of Observations, billing-support summaries."""
