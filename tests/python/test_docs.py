"""Every command and example in README.md, models/README.md and docs/*.md runs: ```sh blocks line by
line with bash, ```python blocks with Debian's interpreter, each in a scratch
folder that sees the repository's examples/ and models/. Blocks fenced as
```console, ```text or ```toml are shown, not run (```console is for commands
this test runs elsewhere, such as `make demo` below)."""
import glob
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.environ.get("HEBB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")))
HEBB = os.path.abspath(os.environ.get("HEBB_BIN", os.path.join(ROOT, "build", "release", "hebb")))
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def blocks():
    files = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "models", "README.md")]
    files += sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    for path in files:
        with open(path) as f:
            text = f.read()
        for k, m in enumerate(FENCE.finditer(text)):
            lang, body = m.group(1), m.group(2)
            if lang in ("sh", "python"):
                yield pytest.param(lang, body, id=f"{os.path.relpath(path, ROOT)}#{k}-{lang}")


def scratch(tmp_path):
    for d in ("examples", "models", "bench", "tests", "build"):
        os.symlink(os.path.join(ROOT, d), tmp_path / d)
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(HEBB) + os.pathsep + env["PATH"]
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.mark.parametrize("lang, body", list(blocks()))
def test_documented_block_runs(lang, body, tmp_path):
    env = scratch(tmp_path)
    if lang == "python":
        r = subprocess.run([sys.executable, "-c", body], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        return
    for line in body.splitlines():
        cmd = line.split("#")[0].strip() if not line.strip().startswith("PYTHONPATH") else line.strip()
        if not cmd:
            continue
        r = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"{cmd}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"


def test_model_reference_is_current():
    r = subprocess.run([HEBB, "models", "--markdown"], capture_output=True, text=True, check=True)
    with open(os.path.join(ROOT, "docs", "models.md")) as f:
        assert f.read() == r.stdout, "docs/models.md is stale: regenerate with hebb models --markdown"


def test_make_demo_writes_results_summary_and_raster(tmp_path):
    if os.environ.get("HEBB_SKIP_MAKE_DEMO"):
        pytest.skip("HEBB_SKIP_MAKE_DEMO set")
    r = subprocess.run(["make", "-s", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    for f in ("demo/coba.h5", "demo/summary.txt", "demo/coba_raster.png"):
        assert os.path.getsize(os.path.join(ROOT, f)) > 0, f
    with open(os.path.join(ROOT, "demo", "summary.txt")) as f:
        assert "lif_cond_exp" in f.read()
