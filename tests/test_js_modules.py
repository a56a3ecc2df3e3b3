"""How the browser modules are put together: test-only code stays out of the widget bundles, and
the storage keys are defined once (widgets/storage.js) and read, not copied, by Python."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from browser_support import ADAPTERS
from npm_cache import need_node

import widgets.review  # noqa: F401  (loads every widget class, Review too, so that CourseWidget lists them all)
from widgets import storage_keys
from widgets.base import CourseWidget

ROOT = Path(__file__).resolve().parents[1]
EXPORTED_FUNCTION = re.compile(r"^export function (\w+)\(", re.MULTILINE)


def test_no_widget_bundle_carries_a_test_adapter():
    adapters = EXPORTED_FUNCTION.findall(ADAPTERS.read_text(encoding="utf-8"))
    assert {"scoreInput", "lookupAll", "comboKeyAll", "displayOrders", "ratingsFor", "replay"} <= set(adapters)
    bundles = {cls.__name__: cls._esm for cls in CourseWidget.__subclasses__()}
    assert {"Quiz", "Review", "Progress", "DecisionExplorer"} <= set(bundles), sorted(bundles)
    # Also every module on its own: the SCORM packages ship lms.js and the quiz modules unbundled.
    sources = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "widgets").glob("*.js")}
    for name, text in {**bundles, **sources}.items():
        found = [f for f in adapters if re.search(rf"\bfunction {f}\(", text)]
        assert not found, f"{name} defines the test adapters {found}: they belong in {ADAPTERS.name}"


def test_python_reads_the_storage_keys_the_module_exports():
    keys = storage_keys.KEYS
    assert {"PREFIX", "EXAM_PREFIX", "INDEX_KEY", "SEED_KEY", "REVIEW_KEY", "PRACTICE_KEY"} <= set(keys)
    assert len(set(keys.values())) == len(keys), "two names for one key"
    # Every exported constant of storage.js is a key in the one form the reader understands.
    source = storage_keys.STORAGE_JS.read_text(encoding="utf-8")
    assert set(re.findall(r"^export const (\w+)", source, re.MULTILINE)) == set(keys)
    need_node("the check runs storage.js itself", npm=False)
    script = (
        "const m = await import(process.argv[1]);"
        "console.log(JSON.stringify(Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'string'))));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, storage_keys.STORAGE_JS.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == keys


def code_lines(text: str, comment: str) -> str:
    """The text without its whole-line comments (a header may describe a key by its value)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(comment))


def test_no_other_module_spells_out_a_storage_key():
    files = [p for pattern in ("widgets/**/*.js", "book/_static/*.js") for p in ROOT.glob(pattern)]
    files += [
        p for pattern in ("widgets/*.py", "quizzes/**/*.py", "bench/*.py", "course.py") for p in ROOT.glob(pattern)
    ]
    files = [p for p in files if p.name not in ("storage.js", "storage_keys.py")]
    assert len(files) > 40
    quote = "[\"'`]"
    spelled = []
    for path in files:
        text = code_lines(path.read_text(encoding="utf-8"), "#" if path.suffix == ".py" else "//")
        for name, value in storage_keys.KEYS.items():
            # A prefix is followed by a quiz id; any other key stands alone between quotes.
            ending = "" if value.endswith(":") else quote
            if re.search(quote + re.escape(value) + ending, text):
                spelled.append(f"{path.relative_to(ROOT)}: {value!r} (use {name} from storage.js)")
    assert spelled == [], "\n".join(spelled)
