"""The quarterly report: counts of still-valid results by type and year, progress by batch.

:mod:`reporting.model` holds the report as data and the paragraph the office pastes;
:mod:`reporting.report` builds it from the ledger and renders it as text or Markdown, and
through its private renderers as CSV, Excel, HTML and PDF; :mod:`reporting.plotting` draws
the charts (matplotlib) for the HTML and PDF reports and the web dashboard.
"""
