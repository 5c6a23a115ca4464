"""sohoa: digitize damaged paper archives into searchable, countable records."""

__version__ = "0.1.0"
