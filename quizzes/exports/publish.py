"""Write the LMS downloads of every quiz (no Sphinx needed), for the site's downloads/ folder.

export_all(outdir) writes
  outdir/moodle/<quiz id>.xml, outdir/qti/<quiz id>.zip      one file per quiz chapter
  outdir/<quiz id>-scorm12.zip                               SCORM 1.2 package per quiz chapter
  outdir/crlm-quizzes-all.xml, outdir/crlm-quizzes-all.zip   the whole bank
and returns the paths written, each world-readable (0644: the web server may run as another
user). Call it after the HTML build with outdir = <html>/downloads.
"""

from __future__ import annotations

from pathlib import Path

from quizzes.catalogue import list_quizzes, load_bank
from quizzes.exports.common import BANK_NAME
from quizzes.exports.moodle import moodle_xml
from quizzes.exports.qti import qti_zip
from quizzes.exports.scorm import package_name, scorm_zip
from quizzes.files import write_atomic
from quizzes.parsing.registry import load_registry

PUBLISHED_MODE = 0o644


def write_download(path: Path, data: bytes) -> None:
    """One download, all or nothing, world-readable whatever the umask; its folder is created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, PUBLISHED_MODE)


def export_all(outdir) -> list[Path]:
    outdir = Path(outdir)
    registry = load_registry()
    quizzes = [load_bank(q) for q in list_quizzes()]
    written = []
    for quiz in quizzes:
        for path, data in (
            (outdir / "moodle" / f"{quiz.id}.xml", moodle_xml([quiz], registry)),
            (outdir / "qti" / f"{quiz.id}.zip", qti_zip([quiz], registry, quiz.id)),
            (outdir / package_name(quiz.id), scorm_zip(quiz, registry)),
        ):
            write_download(path, data)
            written.append(path)
    for path, data in (
        (outdir / f"{BANK_NAME}-all.xml", moodle_xml(quizzes, registry)),
        (outdir / f"{BANK_NAME}-all.zip", qti_zip(quizzes, registry, BANK_NAME)),
    ):
        write_download(path, data)
        written.append(path)
    return written


def download_links(quiz_id: str):
    """The LMS download links of one quiz chapter, for a notebook cell (relative to
    book/chapters/). Nothing in an exam build (COURSE_EXAM=1): the files hold the answer key."""
    from html import escape

    from IPython.display import HTML

    from quizzes.catalogue import exam_mode

    if exam_mode():
        return None
    q = escape(quiz_id)
    # Dark-mode colours of HTML outputs come from book/_static/course.css.
    return HTML(
        '<p class="crlm-downloads"><strong>For educators:</strong> this quiz can be imported '
        f'into a learning management system: <a href="../../downloads/moodle/{q}.xml" download>'
        f'Moodle XML ({q}.xml)</a> or <a href="../../downloads/qti/{q}.zip" download>QTI 1.2 '
        f"package for Canvas ({q}.zip)</a>, or run it inside the platform with its grade sent back: "
        f'<a href="../../downloads/{q}-scorm12.zip" download>SCORM 1.2 package ({q}-scorm12.zip)</a>. '
        'The <a href="educator-guide.html">guide for educators</a> explains how to assign, grade and '
        "import the quizzes.</p>"
    )
