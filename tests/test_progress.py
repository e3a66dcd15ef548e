"""The progress bar: redrawn in place on a terminal, a few whole lines in a log."""

import io

from softfocus.app.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_whole_lines_not_carriage_returns():
    log = io.StringIO()
    bar = ProgressBar(100, "frames", log)
    for _ in range(100):
        bar.update()
    bar.close()
    text = log.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    # The first frame at once (a reader waiting on "frames [" sees it), then the total.
    assert lines[0].startswith("frames [") and " 1/100 " in lines[0]
    assert lines[-1].startswith("frames [" + "#" * 30 + "] 100/100")
    assert len(lines) == 2


def test_a_terminal_redraws_one_line():
    screen = Terminal()
    bar = ProgressBar(None, "images", screen)
    bar.update(3)
    bar.close()
    text = screen.getvalue()
    assert text.startswith("\rimages 3 ") and text.endswith("\n")
    assert text.count("\n") == 1
