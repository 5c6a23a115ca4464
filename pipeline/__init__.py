"""Domain stages: ledger, segmentation, classification, extraction, validity, reports (no Prefect)."""
