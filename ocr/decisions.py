"""What the reading decided about a page's lines, kept with the page.

The stages that may read a line again — the header re-read and its checks
(:mod:`ocr.reread`), the floor (:mod:`ocr.floor`) and the print no word
covered (:mod:`ocr.unread`) — each decide, line by
line, whether to look again, why, and what to keep. Every such decision is a
:class:`LineDecision` saved in the page's words file (``"decisions"``), so a
reviewer or a developer sees why a number or a line reads as it does.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LineDecision"]


@dataclass(frozen=True)
class LineDecision:
    """One line looked at again: by which stage, why, and what came of it."""

    #: "reread" (a header line that did not read cleanly), "lost" (one the page did not give), "check"
    #: (a clean one read once more), "second look" (a checked line read again), "floor" (a line in doubt
    #: read from the page as scanned), "unread" (print no word covered, read alone).
    stage: str
    kind: str  # "number", "date" or "line"
    read: str  # the line as it stood ("" for a lost line)
    why: str
    #: "replaced", "kept", "found", "not found", "confirmed", "doubted", or the floor's "plain"/"restored".
    outcome: str
    new: str = ""  # what was put in its place, if anything

    def to_json(self) -> dict[str, str]:
        out = {"stage": self.stage, "kind": self.kind, "read": self.read, "why": self.why, "outcome": self.outcome}
        return out | ({"new": self.new} if self.new else {})
