"""Reports for therapists and patients: statistics and a self-contained HTML page."""
