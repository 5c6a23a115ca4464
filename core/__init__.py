"""The core every layer imports: the settings (one pydantic model) and the errors (one tree).

Nothing here imports another package of sohoa, so the domain stages, the reading of
pages, the stores, the flows, the web app and the CLI all stand on it.
"""
