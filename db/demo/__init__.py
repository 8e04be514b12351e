"""The demo data set: made-up agencies, findings and service records, imported and published like real ones."""
