"""The event summary's plot, drawn on the server with matplotlib's object API and the Agg
backend (no display, no pyplot global state: safe in a server's greenlets) as SVG."""
from __future__ import annotations

import io
import textwrap
from datetime import datetime, timedelta

PANEL_COLOURS = ("#3b6fd8", "#2a9d8f", "#e76f51", "#8a5cd1")


def _moments(series: list[dict]) -> list[datetime]:
    return [datetime.fromisoformat(p["minute"].rstrip("Z")) for p in series]


def _time_axis(ax, moments: list[datetime]) -> None:
    """Minutes on the x axis (at least a few minutes wide: one sample is still a line), whole
    numbers on the y axis."""
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.ticker import MaxNLocator

    start, end = min(moments), max(moments) + timedelta(minutes=1)
    if end - start < timedelta(minutes=4):
        start, end = start - timedelta(minutes=2), end + timedelta(minutes=2)
    ax.set_xlim(start, end)
    ax.xaxis.set_major_locator(AutoDateLocator(maxticks=6))
    ax.xaxis.set_major_formatter(DateFormatter("%H:%M"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", color="#777", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def render_svg(report: dict) -> bytes:
    """A 2x2 figure: messages per minute, viewers over time, the top questions by votes and
    the polls' results. Matplotlib is imported here: only this request pays for it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    # Text stays text (small, searchable, selectable); the same report draws the same SVG.
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "chat-summary"})
    fig = Figure(figsize=(11, 7), layout="constrained")
    (msgs, viewers), (questions, polls) = fig.subplots(2, 2)
    fig.suptitle(f"{report['event']['name']}: summary", fontsize=14)

    series = report["messagesPerMinute"]
    msgs.set_title("Messages per minute")
    if series:
        moments = _moments(series)
        # Each bar covers its minute (bars start at the minute: align="edge").
        msgs.bar(moments, [p["count"] for p in series], width=1 / 1440 * 0.9, align="edge",
                 color=PANEL_COLOURS[0])
        _time_axis(msgs, moments)
    else:
        _empty(msgs, "no messages")

    series = report["viewersPerMinute"]
    viewers.set_title("Viewers over time (most in each minute)")
    if series:
        moments = _moments(series)
        counts = [p["count"] for p in series]
        # Held to the end of the last sampled minute, so a single sample is a visible step.
        viewers.step(moments + [moments[-1] + timedelta(minutes=1)], counts + counts[-1:],
                     where="post", color=PANEL_COLOURS[1], marker="o",
                     markevery=list(range(len(counts))))
        _time_axis(viewers, moments)
    else:
        _empty(viewers, "nobody watched")

    top = sorted(report["questions"], key=lambda q: -q["votes"])[:6]
    questions.set_title(f"Questions ({report['totals']['questions']}, "
                        f"{report['totals']['answered']} answered): top by votes")
    if top:
        labels = [textwrap.shorten(q["text"], 40) for q in reversed(top)]
        colours = ["#999" if q["status"] == "answered" else PANEL_COLOURS[2]
                   for q in reversed(top)]
        questions.barh(labels, [q["votes"] for q in reversed(top)], color=colours)
        questions.xaxis.set_major_locator(MaxNLocator(integer=True))
        questions.set_xlabel("votes")
    else:
        _empty(questions, "no questions")

    polls.set_title("Polls")
    if report["polls"]:
        labels, values = [], []
        for number, poll in enumerate(report["polls"][-3:], 1):
            for option in poll["options"]:
                labels.append(f"P{number} {textwrap.shorten(option['text'], 24)}")
                values.append(option["votes"])
        polls.barh(list(reversed(labels)), list(reversed(values)), color=PANEL_COLOURS[3])
        polls.set_xlabel("votes")
        polls.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _empty(polls, "no polls")

    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
