"""ESLint over the course's browser JavaScript (widgets/ and book/_static/).

ESLint and its two helper packages are pinned here and installed from npm once, into a cache
folder outside the repository; the site build never needs Node. Without Node and npm the test
skips on a laptop and fails in CI (CI=true), so the lint never silently stops running.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = Path(__file__).with_name("eslint-rules.mjs")
PACKAGES = {"eslint": "10.15.0", "@eslint/js": "10.0.1", "globals": "17.14.0"}
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "crlm-course" / "eslint"

# Runs ESLint through its Node API with the repository as the base folder and our rules only
# (no config-file lookup), and prints one JSON list of {file, line, rule, message}.
RUNNER = """
import { ESLint } from "eslint";
import js from "@eslint/js";
import globals from "globals";
const [root, rules] = process.argv.slice(2);
const config = (await import(rules)).default({ js, globals });
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config,
                           errorOnUnmatchedPattern: false });
const results = await eslint.lintFiles(["widgets/**/*.js", "book/_static/**/*.js"]);
const problems = results.flatMap(r => r.messages.map(m => ({
  file: r.filePath.slice(root.length + 1), line: m.line, rule: m.ruleId, message: m.message,
  severity: m.severity })));
console.log(JSON.stringify({ files: results.length, problems }));
"""


def eslint_folder() -> Path:
    if not (shutil.which("node") and shutil.which("npm")):
        message = "Node.js and npm are not installed: the JavaScript lint needs them"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    manifest = json.dumps({"private": True, "type": "module", "dependencies": PACKAGES}, indent=1)
    if not (CACHE / "node_modules" / "eslint").is_dir() or (CACHE / "package.json").read_text() != manifest:
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / "package.json").write_text(manifest)
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=CACHE,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"npm install of ESLint failed:\n{done.stderr[-2000:]}"
    (CACHE / "run-eslint.mjs").write_text(RUNNER)
    return CACHE


def lint() -> dict:
    folder = eslint_folder()
    done = subprocess.run(["node", str(folder / "run-eslint.mjs"), str(ROOT), RULES.as_uri()],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"ESLint did not run:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout)


def test_browser_javascript_passes_eslint():
    report = lint()
    assert report["files"] >= 10, f"ESLint saw only {report['files']} files"
    problems = [f"{p['file']}:{p['line']}: {p['rule']}: {p['message']}" for p in report["problems"]]
    assert problems == [], "\n".join(problems)
