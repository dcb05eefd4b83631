"""The command line: run, info, plot, models; one-line errors with exit code 2;
results written atomically, and marked incomplete when interrupted."""
import os
import signal
import subprocess
import time

import h5py
import pytest

ROOT = os.environ.get("HEBB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
HEBB = os.environ.get("HEBB_BIN", os.path.join(ROOT, "build", "release", "hebb"))
COBA = os.path.join(ROOT, "examples", "coba.toml")


def hebb(*args, **kw):
    return subprocess.run([HEBB, *map(str, args)], capture_output=True, text=True, **kw)


def test_run_info_plot(tmp_path):
    out = tmp_path / "coba.h5"
    r = hebb("run", COBA, "--out", out, "--duration", 300)
    assert r.returncode == 0, r.stderr
    assert "4000 neurons" in r.stdout and "wrote" in r.stdout
    info = hebb("info", out)
    assert info.returncode == 0
    assert "exc" in info.stdout and "lif_cond_exp" in info.stdout and "CV ISI" in info.stdout
    png = tmp_path / "r.png"
    p = hebb("plot", out, "--raster", png)
    assert p.returncode == 0, p.stderr
    assert png.stat().st_size > 10000 and png.read_bytes()[:4] == b"\x89PNG"
    assert not list(tmp_path.glob("*.tmp*"))


def test_models_lists_parameters():
    r = hebb("models")
    assert r.returncode == 0
    for name in ["lif_curr_exp", "lif_cond_exp", "izhikevich", "adex", "poisson", "spike_source"]:
        assert name in r.stdout
    assert "presets: RS, IB, CH, FS, LTS" in r.stdout


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "missing.toml"], "cannot open model file"),
        (["run", COBA, "--set", "populations.exc.size=-5"], "size: -5: must be >= 1"),
        (["run", COBA, "--set", "projections.0.connect.p=1.5"], "connect.p = 1.5"),
        (["run", COBA, "--set", "projections.0.synapse.delay=0.01"], "below one step"),
        (["run", COBA, "--set", "projections.0.synapse.delay=20000"], "above the maximum"),
        (["run", COBA, "--set", "populations.exc.model=lif_cond_ex"], "did you mean 'lif_cond_exp'"),
        (["run", COBA, "--set", "populations.exc.params.tau_mm=3"], "did you mean 'tau_m'"),
        (["run", COBA, "--out", "/nonexistent/dir/x.h5"], "does not exist"),
        (["run", COBA, "--threads", "-1"], "threads = -1"),
        (["run", COBA, "--set", "populations.exc.size=1000000", "--set", "projections.0.connect.p=0.5"],
         "estimated 4656.73 GiB"),
        (["info", "missing.h5"], "does not exist"),
        (["models", "izhikevic"], "did you mean 'izhikevich'"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args, needle, tmp_path):
    r = hebb(*args, cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert needle in lines[0]


def test_malformed_toml_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[simulation]\ndt = 0.1\n\n[populations.a\nmodel = 'x'\n")
    r = hebb("run", bad)
    assert r.returncode == 2
    assert f"{bad}:4:" in r.stderr and "malformed TOML" in r.stderr


def test_unwritable_output_is_refused_before_running(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("running as a user that can write anywhere (root)")
        r = hebb("run", COBA, "--out", ro / "x.h5")
        assert r.returncode == 2 and "not writable" in r.stderr
    finally:
        ro.chmod(0o700)


def test_interrupt_writes_partial_results_marked_incomplete(tmp_path):
    out = tmp_path / "long.h5"
    p = subprocess.Popen([HEBB, "run", COBA, "--out", str(out), "--duration", "600000", "-q"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    assert p.returncode == 130
    with h5py.File(out) as f:
        assert int(f["meta"].attrs["complete"]) == 0
        t_end = float(f["meta"].attrs["t_end"])
        assert 0 < t_end < 600000
        assert len(f["spikes/exc/times"]) > 0
        assert f["spikes/exc/times"][-1] <= t_end
    r = hebb("info", out)
    assert "INCOMPLETE" in r.stdout
    assert not list(tmp_path.glob("*.tmp*"))


def test_explicit_connections_from_a_csv_file(tmp_path):
    (tmp_path / "conn.csv").write_text("source,target,weight,delay\n0,1,500.0,1.0\n1,0,500.0,2.5\n")
    (tmp_path / "m.toml").write_text(
        '[simulation]\nduration = 20.0\n'
        '[populations.src]\nmodel = "spike_source"\nsize = 2\nspike_times = [[1.0], [2.0]]\n'
        '[populations.n]\nmodel = "lif_curr_exp"\nsize = 2\n'
        '[[projections]]\nname = "p"\nfrom = "src"\nto = "n"\nconnect = { rule = "explicit", file = "conn.csv" }\n'
        '[[record]]\ntype = "state"\npopulation = "n"\nvariables = ["i_exc"]\nindices = [0, 1]\n')
    r = hebb("run", tmp_path / "m.toml", "--out", tmp_path / "m.h5", "-q")
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "m.h5") as f:
        i = f["state/n/i_exc"][:]
        t = f["state/n/times"][:]
    # neuron 1 gets 500 pA at 1.0 + 1.0 ms, neuron 0 at 2.0 + 2.5 ms: first nonzero samples
    assert t[(i[:, 1] != 0).argmax()] == pytest.approx(2.0)
    assert t[(i[:, 0] != 0).argmax()] == pytest.approx(4.5)
    assert i[:, 0].max() == pytest.approx(500.0)
    (tmp_path / "bad.csv").write_text("0,1\n0,x\n")
    bad = (tmp_path / "m.toml").read_text().replace("conn.csv", "bad.csv")
    (tmp_path / "bad.toml").write_text(bad)
    r = hebb("run", tmp_path / "bad.toml", "--out", tmp_path / "b.h5")
    assert r.returncode == 2 and "bad.csv:2" in r.stderr


def test_bench_lists_the_benchmarks():
    r = hebb("bench", "--list")
    assert r.returncode == 0 and "sim" in r.stdout.split()
    r = hebb("bench", "simm")
    assert r.returncode == 2 and "did you mean 'sim'" in r.stderr


def test_progress_on_a_terminal_for_long_runs(tmp_path):
    # `script` gives the run a terminal; progress appears once a run passes 2 s of wall time
    out = tmp_path / "b.h5"
    cmd = f"{HEBB} run {os.path.join(ROOT, 'examples', 'brunel_ai.toml')} --out {out} --duration 3000"
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:]
    assert "ms simulated |" in r.stdout and "s per simulated s" in r.stdout, r.stdout[-2000:]
    # and none when the output is not a terminal
    r = hebb("run", os.path.join(ROOT, "examples", "coba.toml"), "--out", tmp_path / "c.h5", "--duration", 100)
    assert "ms simulated |" not in r.stderr
