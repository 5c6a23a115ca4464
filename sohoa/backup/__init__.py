"""Back up a data directory, restore it, and check that the copy answers the same.

The rooms: :mod:`~sohoa.backup.manifest` (a backup folder's format and the
check of its files), :mod:`~sohoa.backup.writing` (making one),
:mod:`~sohoa.backup.restore` (putting one back), :mod:`~sohoa.backup.check`
(the counts and searches a restored copy must give again) and
:mod:`~sohoa.backup.summary` (what was done, for people).
"""
