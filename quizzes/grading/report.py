"""The item-analysis report (one self-contained HTML file) and the item CSV.

The HTML requests nothing: styles are inline, plots are inline SVG drawn by matplotlib (text as
paths, so no font is loaded), and a Content-Security-Policy of default-src 'none' makes the
browser refuse any request should one slip in. Every string from a bank, a registry or an
answer file is escaped (html.escape); the CSV goes through grade.safe_cell. Each plot has a text
alternative and the same numbers are in the tables next to it.
"""

from __future__ import annotations

import csv
import io
import re
from html import escape

from quizzes.grading.grade import COUNTED, GradeRow, safe_cell
from quizzes.grading.itemstats import QuizStats, analyse
from quizzes.parsing.model import Quiz

ITEM_COLUMNS = (
    "quiz",
    "question",
    "option",
    "credit",
    "learners",
    "difficulty",
    "corrected_r",
    "upper_lower",
    "share",
    "upper_share",
    "lower_share",
    "flags",
)


def analyse_rows(rows: list[GradeRow], quizzes: dict[str, Quiz], registry=None) -> list[QuizStats]:
    """One QuizStats per quiz with counted files (graded; not duplicates, conflicts, refusals)."""
    import numpy as np

    by_quiz: dict[str, list[tuple]] = {}
    for row in rows:
        if row.status in COUNTED and row.quiz in quizzes and row.choices is not None:
            by_quiz.setdefault(row.quiz, []).append(row.choices)
    out = []
    for qid, sets in sorted(by_quiz.items()):
        k = len(quizzes[qid].questions())
        out.append(analyse(quizzes[qid], np.array(sets, dtype=np.int64).reshape(len(sets), k), registry))
    return out


def _n(value, digits=3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def items_csv_text(stats: list[QuizStats]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ITEM_COLUMNS)
    for s in stats:
        for item in s.items:
            writer.writerow(
                [
                    safe_cell(s.quiz),
                    safe_cell(item.id),
                    "",
                    "",
                    s.n,
                    _n(item.difficulty, 4),
                    _n(item.corrected_r, 4),
                    _n(item.upper_lower, 4),
                    "",
                    "",
                    "",
                    safe_cell("; ".join(item.flags)),
                ]
            )
            for o in item.options:
                writer.writerow(
                    [
                        safe_cell(s.quiz),
                        safe_cell(item.id),
                        safe_cell(o.id),
                        _n(o.credit, 4),
                        s.n,
                        "",
                        "",
                        "",
                        _n(o.share, 4),
                        _n(o.upper, 4),
                        _n(o.lower, 4),
                        safe_cell("; ".join(o.flags)),
                    ]
                )
    return out.getvalue()


# ------------------------------------------------------------------ plots
def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _figure(size):
    """A bare Figure (no pyplot: no GUI backend, no global state, a fraction of the import)."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {"svg.fonttype": "path", "svg.hashsalt": "crlm-report", "font.size": 10, "figure.dpi": 72}
    )
    fig = Figure(figsize=size)
    return fig, fig.add_subplot()


def histogram_svg(s: QuizStats) -> str:
    fig, ax = _figure((5.2, 2.6))
    ax.hist(s.scores, bins=[i / 10 for i in range(11)], color="#1f5f99", edgecolor="white")
    ax.set_xlabel("score")
    ax.set_ylabel("learners")
    ax.set_xlim(0, 1)
    fig.tight_layout()
    return _svg(fig)


def scatter_svg(s: QuizStats) -> str:
    fig, ax = _figure((5.2, 3.2))
    xs = [i.difficulty for i in s.items if i.corrected_r is not None]
    ys = [i.corrected_r for i in s.items if i.corrected_r is not None]
    ax.axhspan(-1, 0.2, color="#f4d6d6", zorder=0)
    ax.axvspan(0, 0.2, color="#f4ead0", zorder=0)
    ax.axvspan(0.9, 1, color="#f4ead0", zorder=0)
    ax.scatter(xs, ys, color="#1f5f99", zorder=2)
    for n, item in enumerate(s.items, 1):
        if item.corrected_r is not None:
            ax.annotate(
                str(n), (item.difficulty, item.corrected_r), textcoords="offset points", xytext=(4, 3), fontsize=8
            )
    ax.set_xlim(0, 1)
    ax.set_ylim(min([-0.2, *ys]) - 0.05, 1)
    ax.set_xlabel("difficulty (mean credit)")
    ax.set_ylabel("corrected item-total r")
    fig.tight_layout()
    return _svg(fig)


# ------------------------------------------------------------------ HTML
STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:62rem;padding:1rem;line-height:1.45;
color:#1a1a1a;background:#fff}
h1,h2,h3{line-height:1.2}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #8a8a8a;padding:.25rem .45rem;text-align:left;vertical-align:top}
a{color:#0b57a4}td.num{text-align:right;font-variant-numeric:tabular-nums}.flag{color:#8b1a1a;font-weight:600}
.warn{border-left:4px solid #8b5a00;background:#fff6e0;padding:.5rem .75rem}
.table-wrap{overflow-x:auto}figure{margin:.5rem 0}svg{max-width:100%;height:auto;background:#fff}
@media (prefers-color-scheme: dark){body{color:#eee;background:#141414}a{color:#8cc4ff}th,td{border-color:#777}
.flag{color:#ff9c9c}.warn{background:#3a2c0a;border-color:#e0a030}}
"""


def _cell(value, digits=3) -> str:
    return f'<td class="num">{escape(_n(value, digits))}</td>'


def _scroller(label: str) -> str:
    # A table wider than a phone scrolls sideways: keyboard users reach it with Tab.
    return f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(label)}">'


def _quiz_section(s: QuizStats, quiz: Quiz, number: int) -> str:
    out = [
        f'<section aria-labelledby="q{number}"><h2 id="q{number}">{escape(s.title)} '
        f"(<code>{escape(s.quiz)}</code>)</h2>"
    ]
    for w in s.warnings:
        out.append(f'<p class="warn" role="note"><strong>Warning:</strong> {escape(w)}</p>')
    out.append("<table><caption>Whole quiz</caption><tbody>")
    for label, value in (
        ("Learners counted", None),
        ("Mean score", s.mean),
        ("Standard deviation", s.sd),
        ("Cronbach's alpha (KR-20 for right/wrong items)", s.alpha),
        ("Standard error of measurement", s.sem),
    ):
        shown = (
            f'<td class="num">{s.n}</td>'
            if value is None and label.startswith("Learners")
            else (_cell(value) if value is not None else "<td>not computable</td>")
        )
        out.append(f'<tr><th scope="row">{escape(label)}</th>{shown}</tr>')
    out.append("</tbody></table>")
    if s.n:
        counts = [0] * 10
        for score in s.scores:
            counts[min(9, int(score * 10))] += 1
        alt = "; ".join(f"{b / 10:.1f} to {(b + 1) / 10:.1f}: {c}" for b, c in enumerate(counts))
        out.append(
            f'<figure role="img" aria-label="Histogram of scores, learners per band: '
            f'{escape(alt)}">{histogram_svg(s)}<figcaption>Scores of the {s.n} learners '
            f"(bands of 0.1).</figcaption></figure>"
        )
        points = "; ".join(
            f"question {n} {i.id}: difficulty {_n(i.difficulty, 2)}, r {_n(i.corrected_r, 2) or 'none'}"
            for n, i in enumerate(s.items, 1)
        )
        out.append(
            f'<figure role="img" aria-label="Difficulty against discrimination: '
            f'{escape(points)}">{scatter_svg(s)}<figcaption>Each question by its number '
            "in the table below; shaded: the flag zones (r under 0.20, difficulty under "
            "0.20 or over 0.90).</figcaption></figure>"
        )
    out.append(
        f"{_scroller('Questions of ' + s.title)}<table><caption>Questions</caption><thead><tr>"
        '<th scope="col">#</th><th scope="col">Question</th><th scope="col">Difficulty</th>'
        '<th scope="col">Corrected r</th><th scope="col">Upper-lower 27%</th>'
        '<th scope="col">Flags</th></tr></thead><tbody>'
    )
    for n, item in enumerate(s.items, 1):
        flags = "; ".join(item.flags)
        out.append(
            f'<tr><td class="num">{n}</td><th scope="row"><code>{escape(item.id)}</code></th>'
            f"{_cell(item.difficulty)}{_cell(item.corrected_r)}{_cell(item.upper_lower)}"
            f'<td class="flag">{escape(flags)}</td></tr>'
        )
    out.append("</tbody></table></div>")
    out.append(
        f"<h3>Options</h3>{_scroller('Options of ' + s.title)}<table><caption>Share of learners "
        "choosing each option, overall and in the upper and lower 27%</caption><thead><tr>"
        '<th scope="col">Question</th><th scope="col">Option</th><th scope="col">Credit</th>'
        '<th scope="col">Chosen</th><th scope="col">Upper</th><th scope="col">Lower</th>'
        '<th scope="col">Flags</th></tr></thead><tbody>'
    )
    for item in s.items:
        for o in item.options:
            out.append(
                f'<tr><td><code>{escape(item.id)}</code></td><th scope="row"><code>'
                f"{escape(o.id)}</code></th>{_cell(o.credit, 2)}{_cell(o.share)}"
                f"{_cell(o.upper)}{_cell(o.lower)}"
                f'<td class="flag">{escape("; ".join(o.flags))}</td></tr>'
            )
    out.append("</tbody></table></div>")
    if s.recommendations:
        out.append(
            f"<h3>Recommendations</h3>{_scroller('Recommendations in ' + s.title)}<table><caption>Share of "
            "answers in line with each recommendation the quiz examines</caption><thead>"
            '<tr><th scope="col">Recommendation</th><th scope="col">Answers</th>'
            '<th scope="col">In line</th></tr></thead><tbody>'
        )
        for rid, label, answered, share in s.recommendations:
            out.append(
                f'<tr><th scope="row">{escape(label)} <small>(<code>{escape(rid)}</code>)'
                f'</small></th><td class="num">{answered}</td>{_cell(share)}</tr>'
            )
        out.append("</tbody></table></div>")
    out.append("</section>")
    return "\n".join(out)


def report_html(stats: list[QuizStats], quizzes: dict[str, Quiz], rows: list[GradeRow]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {escape(s)}" for s, n in sorted(counts.items()))
    body = [
        f"<p>{len(rows)} answer file(s): {summary}. Only <em>graded</em> files are counted: "
        "duplicates, conflicts (one learner, different answers), refused, old-version and "
        "invalid files are left out; the gradebook names them.</p>",
        "<p>Difficulty is the mean credit (1 = everyone right). The corrected r correlates a "
        "question with the rest of the quiz; the upper-lower index subtracts the bottom "
        "27% of learners' mean credit from the top 27%'s. Flags follow the readings of "
        "Moodle's quiz statistics: difficulty under 0.20 or over 0.90, r under 0.20 (negative: "
        "check the key), distractors chosen by under 5% or more by the upper group. They "
        "point at questions to re-read, not at faulty questions for certain.</p>",
    ]
    if not stats:
        body.append('<p class="warn" role="note">No graded file: nothing to analyse.</p>')
    body.append(
        '<nav aria-label="Quizzes"><ul>'
        + "".join(f'<li><a href="#q{n}">{escape(s.title)}</a> ({s.n} learners)</li>' for n, s in enumerate(stats, 1))
        + "</ul></nav>"
    )
    body += [_quiz_section(s, quizzes[s.quiz], n) for n, s in enumerate(stats, 1)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Quiz item analysis</title>"
        f"<style>{STYLE}</style></head><body><main><h1>Quiz item analysis</h1>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )
