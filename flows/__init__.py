"""Prefect flows that wire the stages of ocr/, pipeline/ and indexing/."""
