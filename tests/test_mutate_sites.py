"""The mutant generator of `make mutate` (syntax-tree sites, sampling); no simulation."""

from __future__ import annotations

import collections
import json

import pytest

from tb.tools import mutate

SNIPPET = """module m (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       en_i,
  input  logic [7:0] a_i,
  output logic [7:0] y_o
);
  logic [7:0] acc_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      acc_q <= '0;
    end else if (en_i && a_i[0]) begin
      acc_q <= acc_q + a_i;
    end
  end
  assign y_o = (acc_q < 8'd200) ? acc_q : a_i;
endmodule
"""


def snippet_sites(tmp_path):
    p = tmp_path / "m.sv"
    p.write_text(SNIPPET)
    return p, mutate.sites(p)


def test_every_operator_class_is_found(tmp_path):
    _, ms = snippet_sites(tmp_path)
    ops = collections.Counter(m.op for m in ms)
    for op in ("op", "const", "bitidx", "stuck0", "stuck1", "enable", "reset", "dropterm", "muxswap"):
        assert ops[op] >= 1, f"no {op} mutant in {ops}"
    keys = {(m.op, m.orig.strip(), m.repl) for m in ms}
    assert ("op", "+", "-") in keys
    assert ("op", "<", "<=") in keys
    assert ("const", "8'd200", "8'd201") in keys
    assert ("bitidx", "0", "1") in keys
    assert ("reset", "!rst_ni", "1'b0") in keys
    assert ("muxswap", "acc_q : a_i", "a_i : acc_q") in keys


def test_declarations_are_not_mutated(tmp_path):
    _, ms = snippet_sites(tmp_path)
    for m in ms:
        assert m.line not in (5, 6, 8), f"declaration mutated: {m.key()}"


def test_lint_sinks_are_not_mutated(tmp_path):
    """`assign unused_x = ^{...};` drives nothing: a mutant there is equivalent by
    construction, so the generator makes none; a real assignment beside it still gets
    its mutants."""
    p = tmp_path / "s.sv"
    p.write_text(SNIPPET.replace("endmodule", "  logic unused_a;\n  assign unused_a = ^{a_i[7:1], en_i && a_i[0]};\n"
                                               "  logic used;\n  assign used = ^{a_i[7:1], en_i && a_i[0]};\nendmodule"))
    ms = mutate.sites(p)
    assert not [m.key() for m in ms if "unused_a" in m.ctx]
    assert {m.op for m in ms if "assign used =" in m.ctx} >= {"stuck0", "stuck1", "dropterm"}


def test_mutant_applies_exactly_one_edit(tmp_path):
    p, ms = snippet_sites(tmp_path)
    for m in ms:
        text = p.read_text()
        mutated = text[: m.start] + m.repl + text[m.end :]
        assert mutated != text
        assert text[m.start : m.end] == m.orig
        assert len(mutated) - len(text) == len(m.repl) - len(m.orig)


def test_ids_are_unique_and_stable(tmp_path):
    _, a = snippet_sites(tmp_path)
    _, b = snippet_sites(tmp_path)
    assert [m.id for m in a] == [m.id for m in b]
    assert len({m.id for m in a}) == len(a)


def test_sampling_spreads_over_every_rtl_file_and_is_deterministic():
    all_sites = {p.name: mutate.sites(p) for p in mutate.rtl_files()}
    all_sites = {f: v for f, v in all_sites.items() if v and mutate.units_using(f)}
    a = mutate.sample(all_sites, 200, 7)
    b = mutate.sample(all_sites, 200, 7)
    assert [m.id for m in a] == [m.id for m in b]
    assert len(a) == 200 and len({m.id for m in a}) == 200
    assert {m.file for m in a} == set(all_sites), "some RTL file gets no mutant"


def test_every_rtl_file_with_logic_is_reachable_by_a_subset():
    for p in mutate.rtl_files():
        if mutate.sites(p):
            assert mutate.units_using(p.name), f"{p.name}: no unit's fast subset simulates it"


def test_every_documented_equivalent_parses_with_a_reason():
    """docs/mutation.md: each `- `key`:` entry is read (reason on the same or indented
    next lines) -- an entry the parser misses would count its mutant as a survivor."""
    entries = [ln for ln in mutate.equivalent_section() if ln.startswith("- `")]
    equiv = mutate.load_equivalent()
    assert len(equiv) == len(entries) > 0
    for key, reason in equiv.items():
        assert len(reason) > 20, f"{key}: no reason given"


def test_rescore_applies_documented_equivalents(tmp_path):
    """--rescore turns a survivor documented in docs/mutation.md into an equivalent and
    back again when its entry is gone, and recomputes the score."""
    key = next(iter(mutate.load_equivalent()))
    base = {"file": "x.sv", "line": 1, "op": "op", "orig": "a", "repl": "b", "start": 0, "end": 1}
    results = [base | {"key": key, "status": "survived", "detail": "u"},
               base | {"key": "x.sv:op:a->b @ other", "status": "killed", "detail": "u"},
               base | {"key": "x.sv:op:a->b @ gone", "status": "equivalent", "detail": "old reason"},
               # a lint-sink mutant of an earlier generator: equivalent by rule
               base | {"key": "x.sv:stuck0:^a->'0 @ assign unused_a = ^a;", "ctx": "assign unused_a = ^a;",
                       "status": "survived", "detail": "u"}]
    rep = tmp_path / "m.json"
    rep.write_text(json.dumps({"results": results, "seed": 1, "jobs": 2, "timeout_s": 300, "run_seconds": 1.0}))
    assert mutate.main(["--rescore", "--report", str(rep)]) == 0
    out = json.loads(rep.read_text())
    assert [r["status"] for r in out["results"]] == ["equivalent", "killed", "survived", "equivalent"]
    assert out["results"][3]["detail"] == mutate.LINT_SINK_REASON
    assert (out["killed"], out["survived"], out["equivalent"]) == (1, 1, 2)
    assert out["score_pct"] == 50.0


def test_recheck_timeouts_reruns_them_and_rescores(tmp_path, monkeypatch):
    """--recheck-timeouts reruns only the timed-out mutants (found again by key, with the
    longer limit), keeps the first outcome, applies documented equivalents, rescores."""
    sites = {m.key(): m for m in mutate.sites(mutate.HDL_SRC / "esact_stream.sv")}
    equiv_key = next(k for k in mutate.load_equivalent() if k in sites)
    hang_key = next(k for k in sites if k != equiv_key)
    calls = []

    def fake_run(m, limit, seed):
        calls.append((m.key(), limit, seed))
        return {"status": "survived" if m.key() == equiv_key else "timeout", "detail": "d", "seconds": 1.0}

    monkeypatch.setattr(mutate, "run_mutant", fake_run)
    monkeypatch.setattr(mutate, "_SLOTS", __import__("queue").Queue())

    def row(key, status):
        m = sites[key]
        return {"file": m.file, "line": m.line, "op": m.op, "orig": m.orig, "repl": m.repl, "start": m.start,
                "end": m.end, "key": key, "status": status, "detail": "x", "seconds": 300.0}

    killed_key = next(k for k in sites if k not in (equiv_key, hang_key))
    results = [row(equiv_key, "timeout"), row(hang_key, "timeout"), row(killed_key, "killed")]
    rep = tmp_path / "m.json"
    rep.write_text(json.dumps({"results": results, "seed": 7, "jobs": 2, "timeout_s": 319, "run_seconds": 1.0}))
    assert mutate.main(["--recheck-timeouts", "--report", str(rep)]) == 0
    assert sorted(calls) == sorted([(equiv_key, 900.0, 7), (hang_key, 900.0, 7)])
    out = json.loads(rep.read_text())
    assert [r["status"] for r in out["results"]] == ["equivalent", "timeout", "killed"]
    assert out["results"][0]["first_run"]["status"] == "timeout"
    assert (out["killed"], out["timeout"], out["equivalent"], out["score_pct"]) == (1, 1, 1, 100.0)
    assert out["rechecked_timeouts"]["outcomes"] == {"equivalent": 1, "timeout": 1}
    # a report of other RTL (a key with no site) is refused
    results[1]["key"] = "esact_stream.sv:op:nothing"
    results[1]["status"] = "timeout"
    rep.write_text(json.dumps({"results": results, "seed": 7, "jobs": 2, "timeout_s": 319, "run_seconds": 1.0}))
    assert mutate.main(["--recheck-timeouts", "--report", str(rep)]) == 2


def test_keys_are_unique_and_documented_equivalents_exist():
    """Every site has a key of its own (an equivalence can never cover another
    mutant), and every equivalent documented in docs/mutation.md names a current site."""
    keys = [m.key() for p in mutate.rtl_files() for m in mutate.sites(p)]
    assert len(keys) == len(set(keys))
    stale = set(mutate.load_equivalent()) - set(keys)
    assert not stale, f"docs/mutation.md names mutants that no longer exist: {stale}"


def test_killer_names_the_assertion_that_fired_first():
    head = ("topk:TopkRandomTest: assertion ValidHoldUntilReady_A failed at 120 ns in top.u_chk "
            "(esact_stream_chk.sv:40); rerun alone with SEED=1 make sim UNIT=topk TEST=TopkRandomTest (log: x)")
    assert mutate.killer(head + "\n[ASSERT FAILED] ValidHoldUntilReady_A at 120000 ps in top.u_chk") == \
        "assert:ValidHoldUntilReady_A"
    # a scoreboard mismatch (no assertion fired) is the testbench's kill; an assertion
    # named only further down the message (not the first failure) does not count
    assert mutate.killer("topk:TopkRandomTest failed; rerun alone with SEED=1 ...\nMISMATCH item 3") == "test"
    assert mutate.killer("x:y failed\nlater: assertion Foo_A failed at 3 ns") == "test"


def test_summary_counts_kills_by_assertion():
    import argparse

    rs = [dict(file="a.sv", op="op", status="killed", killer="assert:A_A", key="k1"),
          dict(file="a.sv", op="op", status="killed", killer="assert:A_A", key="k2"),
          dict(file="a.sv", op="const", status="killed", killer="test", key="k3"),
          dict(file="a.sv", op="const", status="survived", key="k4", line=1, orig="1", repl="2")]
    rep = mutate.summarize(rs, 10.0, 1.0, argparse.Namespace(seed=1, jobs=1))
    assert (rep["killed_by_assertion"], rep["killed_by_test"]) == (2, 1)
    assert rep["assertion_kills"] == {"A_A": 2}


WIDTHS = """module w (
  input  logic [15:0] a_i,
  input  logic [1:0]  s_i,
  output logic [7:0]  y_o,
  output logic [3:0]  z_o,
  output logic        b_o,
  output st_e         st_o
);
  typedef enum logic [1:0] {StA, StB} st_e;
  sub #(.W(8)) u_sub (.a_i(a_i[7:0]));
  assign y_o = a_i[11:4];
  assign z_o = a_i[s_i*4 +: 4];
  assign b_o = a_i[3];
  assign st_o = s_i[0] ? StA : StB;
endmodule
"""


def test_generator_preserves_widths(tmp_path):
    """No edit of a range select's bounds, an indexed part select's width or an
    instance's parameter override (each changes a width); the bit index of a bit
    select and the base of an indexed part select are still mutated; an enum-typed
    target is stuck at a value cast to its type."""
    p = tmp_path / "w.sv"
    p.write_text(WIDTHS)
    ms = mutate.sites(p)
    by_line = collections.defaultdict(list)
    for m in ms:
        by_line[m.ctx].append(m)
    assert not [m for m in by_line["sub #(.W(8)) u_sub (.a_i(a_i[7:0]));"] if m.op in ("const", "bitidx", "op")]
    assert not [m for m in by_line["assign y_o = a_i[11:4];"] if m.op in ("const", "bitidx", "op")]
    z = by_line["assign z_o = a_i[s_i*4 +: 4];"]
    # the base's multiplier (4 in s_i*4, start column 24) is mutated, the width (the last 4) never
    line_start = WIDTHS.index("  assign z_o")
    width_off = line_start + WIDTHS[line_start:].index("+: 4") + 3
    assert [m for m in z if m.op in ("const", "bitidx") and m.start < width_off]
    assert not [m for m in z if m.start == width_off]
    assert {m.repl for m in by_line["assign b_o = a_i[3];"] if m.op == "bitidx"} == {"2", "4"}
    st = {m.op: m.repl for m in by_line["assign st_o = s_i[0] ? StA : StB;"] if m.op.startswith("stuck")}
    assert st == {"stuck0": "st_e'(0)", "stuck1": "st_e'('1)"}


def test_formal_jobs_are_the_fully_proving_ones():
    """--formal runs only jobs that prove every assertion (no bounded-only ones)."""
    assert {j.name for j in mutate.formal_jobs("hlog_enc.sv")} >= {"hlog_enc_trunc", "hlog_enc_round"}
    assert [j.name for j in mutate.formal_jobs("requant.sv")] == ["requant"]
    assert mutate.formal_jobs("softmax.sv") == [] and mutate.formal_jobs("esact_top.sv") == []


@pytest.mark.long
def test_formal_kills_a_broken_hlog_encoder(tmp_path):
    """A mutant of hlog_enc (rounding applied at every magnitude) fails the formal
    equivalence with the HLog spec: mutate --formal records the counterexample."""
    import os
    import shutil
    import subprocess
    import sys

    from tb.common.tools import REPO

    hdl = tmp_path / "hdl"
    shutil.copytree(REPO / "hdl", hdl)
    src = (hdl / "hlog_enc.sv").read_text()
    assert "if (ROUND && lead >= ExpW'(2)) begin" in src
    (hdl / "hlog_enc.sv").write_text(src.replace("if (ROUND && lead >= ExpW'(2)) begin", "if ((ROUND)) begin"))
    env = dict(os.environ, ESACT_HDL_DIR=str(hdl), ESACT_SIM_BUILD=str(REPO / "build" / "mutate" / "test_formal"),
               PYTHONPATH=str(REPO))
    code = "import json; from tb.tools import mutate; print(json.dumps(mutate.formal_verdict('hlog_enc.sv')))"
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    v = json.loads(res.stdout.strip().splitlines()[-1])
    assert not v["errors"], v
    assert any(f.endswith("HlogEncSpecEquiv_A") for f in v["failed"]), v


def test_an_interrupted_campaign_resumes_from_its_journal(tmp_path, monkeypatch):
    """Each judged mutant goes to the journal as it finishes; --resume runs only the rest,
    the report holds every mutant once in sample order, the run time spans both sessions;
    a journal of another campaign (other --n) or no journal is refused by name."""
    import types

    monkeypatch.setattr(mutate, "WORK", tmp_path / "work")
    monkeypatch.setattr(mutate, "run_tool", lambda *a, **k: types.SimpleNamespace(
        stdout='{"status": "survived"}\n', stderr="", returncode=0))
    monkeypatch.setattr(mutate, "_SLOTS", __import__("queue").Queue())
    calls = []
    stop_after = [3]

    def fake_run(m, limit, seed):
        if len(calls) == stop_after[0]:
            raise KeyboardInterrupt  # the session ends mid-campaign
        calls.append(m.key())
        return {"status": "killed", "detail": "d", "seconds": 1.0}

    monkeypatch.setattr(mutate, "run_mutant", fake_run)
    rep = tmp_path / "m.json"
    argv = ["--n", "8", "--seed", "3", "--jobs", "1", "--timeout", "600", "--report", str(rep)]
    with pytest.raises(KeyboardInterrupt):
        mutate.main(argv)
    journal = rep.with_suffix(".journal.jsonl")
    first = list(calls)
    assert len(first) == 3 and len(journal.read_text().splitlines()) == 1 + 3 and not rep.exists()
    stop_after[0] = -1
    monkeypatch.setattr(mutate, "_SLOTS", __import__("queue").Queue())
    assert mutate.main(argv + ["--resume"]) == 0
    assert len(calls) == 8 and not set(calls[3:]) & set(first)  # judged mutants are not rerun
    out = json.loads(rep.read_text())
    assert out["mutants"] == 8 and out["killed"] == 8
    assert [r["index"] for r in out["results"]] == list(range(8))
    assert [r["key"] for r in out["results"]] == [m.key() for m in mutate.sample(
        {f: v for f, v in {p.name: mutate.sites(p) for p in mutate.rtl_files()}.items() if mutate.units_using(f)}, 8, 3)]
    # another campaign's journal, or none, is refused with the reason
    monkeypatch.setattr(mutate, "_SLOTS", __import__("queue").Queue())
    assert mutate.main(["--n", "9"] + argv[2:] + ["--resume"]) == 2
    journal.unlink()
    assert mutate.main(argv + ["--resume"]) == 2


def test_zero_valued_enum_constants_get_no_stuck_at_0(tmp_path):
    """A flop assigned an enum constant of value 0 (the first member, or `= N'd0`),
    stuck at 0, is the same statement: no such mutant; a nonzero constant keeps it.
    --rescore's rule recognises one of an older campaign."""
    p = tmp_path / "e.sv"
    p.write_text("""module e (input logic clk_i, input logic rst_ni, input logic go_i, output logic [1:0] s_o);
  typedef enum logic [1:0] {Idle, Busy, Done = 2'd3} state_e;
  typedef enum logic [1:0] {Zero = 2'h0, One} other_e;
  state_e state_q;
  other_e o_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= Idle;
      o_q     <= Zero;
    end else if (go_i) begin
      state_q <= Done;
      o_q     <= One;
    end
  end
  assign s_o = state_q ^ o_q;
endmodule
""")
    assert mutate.enum_zero_constants(p.read_text()) == {"Idle", "Zero"}
    stuck0 = {m.orig.strip() for m in mutate.sites(p) if m.op == "stuck0"}
    stuck1 = {m.orig.strip() for m in mutate.sites(p) if m.op == "stuck1"}
    assert not stuck0 & {"Idle", "Zero"}
    assert {"Done", "One"} <= stuck0 and {"Idle", "Zero", "Done", "One"} <= stuck1
    # the package enums count for every unit: esact_pkg's DumpRep is 4'd0
    assert mutate.zero_enum_stuck({"op": "stuck0", "file": "esact_stream.sv", "orig": "DumpRep"})
    assert not mutate.zero_enum_stuck({"op": "stuck1", "file": "esact_stream.sv", "orig": "DumpRep"})
    assert not mutate.zero_enum_stuck({"op": "stuck0", "file": "esact_stream.sv", "orig": "stream_i"})


def test_progress_line_reports_a_documented_equivalent_as_equivalent(tmp_path, monkeypatch, capsys):
    """A survivor documented in docs/mutation.md is journalled as equivalent, and its
    progress line says so (not "survived"); an undocumented survivor still reads survived."""
    import types

    monkeypatch.setattr(mutate, "WORK", tmp_path / "work")
    monkeypatch.setattr(mutate, "run_tool", lambda *a, **k: types.SimpleNamespace(
        stdout='{"status": "survived"}\n', stderr="", returncode=0))
    monkeypatch.setattr(mutate, "_SLOTS", __import__("queue").Queue())
    monkeypatch.setattr(mutate, "run_mutant", lambda m, limit, seed: {"status": "survived", "detail": "d", "seconds": 1.0})
    files = {p.name: mutate.sites(p) for p in mutate.rtl_files()}
    muts = mutate.sample({f: v for f, v in files.items() if mutate.units_using(f)}, 2, 3)
    monkeypatch.setattr(mutate, "load_equivalent", lambda: {muts[0].key(): "a documented reason"})
    rep = tmp_path / "m.json"
    assert mutate.main(["--n", "2", "--seed", "3", "--jobs", "1", "--timeout", "600", "--report", str(rep)]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("[mutate ") and "/2 " in ln]
    verdict = {f"{m.file}:{m.line} {m.op} `{m.orig.strip()[:40]}`": m for m in muts}
    said = {k: ln.split("min] ")[1].split()[0] for ln in lines for k in verdict if k in ln}
    assert said == {f"{muts[0].file}:{muts[0].line} {muts[0].op} `{muts[0].orig.strip()[:40]}`": "equivalent",
                    f"{muts[1].file}:{muts[1].line} {muts[1].op} `{muts[1].orig.strip()[:40]}`": "survived"}
    out = json.loads(rep.read_text())
    assert [r["status"] for r in out["results"]] == ["equivalent", "survived"]


def test_a_subset_survivor_is_escalated_to_the_full_shape_build(tmp_path, monkeypatch):
    """The second tier: a mutant of a file esact_top uses that survives the small-build
    subset runs ESCALATE's tests (the MiniLM EsactFullShapeTest) before it is a survivor;
    a kill there names the build; the runner gets the extra time.  A documented
    equivalent, a mutant of a unit without a second tier and --no-escalate stay at the
    subset."""
    import tb.common.sim as sim

    ran = []

    def fake_run(unit, test, params, seed=None, x_unique=False, **kw):
        ran.append((unit.name if hasattr(unit, "name") else unit, test, dict(params)))
        if test == "EsactFullShapeTest":
            raise AssertionError("MISMATCH dump byte 16")

    monkeypatch.setattr(sim, "run", fake_run)
    from tb.common.units import PARAM_SETS
    v = mutate._simulate(["esact_top"], "both")
    assert v["status"] == "killed" and v["killer"] == "test"
    assert v["detail"] == "esact_top[minilm]:EsactFullShapeTest: MISMATCH dump byte 16"
    assert [t for _, t, _ in ran] == ["EsactRandomTest", "EsactErrorTest", "EsactDumpTest", "EsactFullShapeTest"]
    assert ran[-1][2] == PARAM_SETS["esact_top"]["minilm"] and ran[0][2] == PARAM_SETS["esact_top"]["small"]
    ran.clear()
    assert mutate._simulate(["esact_top"], "subset")["status"] == "survived"
    assert "EsactFullShapeTest" not in [t for _, t, _ in ran]

    # the runner's command and time limit per mutant
    seen = []

    class FakePopen:
        def __init__(self, cmd, **kw):
            seen.append(cmd)
            self.pid, self.returncode = 0, 0

        def communicate(self, timeout=None):
            seen[-1] = (seen[-1], timeout)
            return '{"status": "survived", "detail": "x"}\n', ""

    monkeypatch.setattr(mutate, "WORK", tmp_path)
    monkeypatch.setattr(mutate.subprocess, "Popen", FakePopen)
    top_sites = mutate.sites(mutate.HDL_SRC / "esact_gemm_jobs.sv")
    equiv = mutate.load_equivalent()
    plain = next(m for m in top_sites if m.key() not in equiv)
    documented = next(m for m in top_sites if m.key() in equiv)
    assert "esact_top" not in mutate.units_using("hlog_quant.sv")  # its own unit only
    unit_only = mutate.sites(mutate.HDL_SRC / "hlog_quant.sv")[0]

    def tier_of(m):
        mutate._run_in_slot(m, 600.0, 1, 0)
        cmd, limit = seen[-1]
        return cmd[cmd.index("--tier") + 1], limit

    assert tier_of(plain) == ("both", 600.0 + mutate.ESCALATE_TIMEOUT)
    assert tier_of(documented) == ("subset", 600.0)
    assert tier_of(unit_only) == ("subset", 600.0)
    monkeypatch.setattr(mutate, "_NO_ESCALATE", [True])
    assert tier_of(plain) == ("subset", 600.0)
