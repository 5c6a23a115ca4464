"""Scans to text: loading, page restoration, the one Tesseract wrapper."""
