"""The refused-frame log line is rate-limited: a flood of bad frames writes a bounded log, and
what was held back is counted into the next line."""
from __future__ import annotations

import logging

from chatapp.realtime import frame_guard


def test_at_most_n_lines_a_minute_then_a_count_of_the_rest(caplog, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(frame_guard.time, "monotonic", lambda: clock[0])
    limited = frame_guard.RefusalLog(per_minute=3)
    with caplog.at_level(logging.WARNING, logger="chatapp.realtime.frame_guard"):
        for _ in range(50):
            limited.line("undecodable packet")
        assert len(caplog.records) == 3
        clock[0] += 61
        limited.line("undecodable packet")
    assert len(caplog.records) == 4
    assert "47 more refused frames not logged" in caplog.records[-1].getMessage()
    assert all(not r.exc_info for r in caplog.records)  # one line each, never a traceback
