"""The benchmark's reading of a Lighthouse trace: how long viz held the page's frames back."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from held_frames import FRAME_MS, held_before_first_paint  # noqa: E402

# The navigation and viz decisions kept from a real run whose first paint came 2.25 s after the
# navigation, with the page ready long before (held_frames.py says why).
TRACE = json.loads((Path(__file__).parent / "fixtures" / "viz-held-trace.json").read_text(encoding="utf-8"))


def test_a_held_run_shows_the_two_seconds_it_lost():
    held = held_before_first_paint(TRACE["traceEvents"], TRACE["firstContentfulPaint"])
    assert held == pytest.approx(120 * FRAME_MS)  # 120 withheld frames: two whole seconds


def test_only_frames_withheld_before_the_first_paint_count():
    events = TRACE["traceEvents"]
    assert held_before_first_paint(events, 0) == 0
    early = held_before_first_paint(events, 1000)
    assert 0 < early < held_before_first_paint(events, TRACE["firstContentfulPaint"])


def test_frames_that_were_sent_do_not_count():
    sent = [
        dict(e, args=dict(e["args"], should_send=True)) if "should_send" in e.get("args", {}) else e
        for e in TRACE["traceEvents"]
    ]
    assert held_before_first_paint(sent, TRACE["firstContentfulPaint"]) == 0


def test_a_trace_without_a_page_is_refused():
    blank = [e for e in TRACE["traceEvents"] if e["name"] != "navigationStart"]
    with pytest.raises(ValueError, match="no navigation"):
        held_before_first_paint(blank, 1000)
