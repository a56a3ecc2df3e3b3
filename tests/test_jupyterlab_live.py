"""Live in JupyterLab and Notebook 7 with a kernel: a widget renders and its traits sync both ways.

Starts a real Jupyter server on 127.0.0.1 with a throw-away notebook, drives it in
Debian's Chromium, moves a slider with the keyboard and reads the value back in Python,
then sets a value in Python and reads it on the page.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_support import ROOT

TOKEN = "course-live-test"
CELLS = [
    "from widgets import BloodSupply\nw = BloodSupply()\nw",
    'print(f"flow={w.flow}")',
    "w.flow = 800.0",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# (module to run, its option that exposes the app to the page, the notebook's URL path)
FRONT_ENDS = {
    "jupyterlab": ("jupyterlab", "--LabApp.expose_app_in_browser=True", "lab/tree/live.ipynb"),
    "notebook7": ("notebook", "--JupyterNotebookApp.expose_app_in_browser=True", "notebooks/live.ipynb"),
}


@pytest.fixture(scope="module", params=sorted(FRONT_ENDS))
def lab(request, tmp_path_factory):
    # Imported here, not at the top: nbformat pulls in jsonschema's format checkers, about a second
    # and a half of every quick-lane run, which only collects this module to deselect it.
    import nbformat

    module, expose, path = FRONT_ENDS[request.param]
    folder = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "live.ipynb")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), JUPYTER_PLATFORM_DIRS="1")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            module,
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.root_dir={folder}",
            f"--IdentityProvider.token={TOKEN}",
            expose,
            "--ServerApp.disable_check_xsrf=True",
            "--allow-root",
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail(f"{module} did not start within 60 s")
    yield f"{url}/{path}?token={TOKEN}"
    server.terminate()
    server.wait(timeout=20)


def run_cell(page, index: int) -> None:
    page.evaluate(
        """async (i) => {
            const panel = window.jupyterapp.shell.currentWidget;
            panel.content.activeCellIndex = i;
            await window.jupyterapp.commands.execute("notebook:run-cell");
        }""",
        index,
    )


@pytest.mark.browser
def test_widget_syncs_both_ways_live(browser, lab):
    page = browser.new_page()
    try:
        page.goto(lab)
        page.wait_for_function(
            "window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext?.session?.kernel",
            timeout=60_000,
        )
        page.wait_for_function(
            "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'", timeout=60_000
        )
        run_cell(page, 0)
        widget = page.locator(".bs-widget")
        widget.wait_for(timeout=60_000)

        # front end -> Python: ten steps of 10 mL/min on the flow slider. Without
        # keepKeysInWidget (widgets/dom.js) the notebook swallows these arrow keys.
        flow = widget.get_by_label("Hepatic arterial blood flow (mL/min)")
        flow.focus()
        for _ in range(10):
            page.keyboard.press("ArrowRight")
        assert widget.locator("output").nth(2).inner_text() == "400 mL/min"
        # The front end coalesces rapid updates and sends the last one when the kernel
        # has acknowledged the earlier ones, so ask Python again until it has arrived.
        printed = page.locator(".jp-OutputArea-output", has_text="flow=")
        for _ in range(20):
            run_cell(page, 1)
            printed.wait_for(timeout=30_000)
            if printed.inner_text().strip() == "flow=400.0":
                break
            page.wait_for_timeout(250)
        assert printed.inner_text().strip() == "flow=400.0"

        # Python -> front end
        run_cell(page, 2)
        page.wait_for_function(
            "() => document.querySelectorAll('.bs-widget output')[2].textContent === '800 mL/min'", timeout=30_000
        )
    finally:
        page.close()
