"""The commands of ``sohoa``, grouped by what they do; :mod:`sohoa.cli` lists them and runs one.

Each module holds a group's commands: how each reads its arguments and what
it does with them (reading scans, searching, what the archive hands out, what
the office knows, the web app, keeping the data directory).
"""
