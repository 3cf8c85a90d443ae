"""docs/architecture.md is kept true by the code (tb/tools/arch.py): its generated
diagrams equal what the generator draws from hdl/ and tb/ now, and the generator's
graphs hold what an independent reading of the sources lists."""

import re
import shutil
from pathlib import Path

import pytest

from tb.tools import arch
from tb.tools.arch_rtl import SEQ

REPO = Path(__file__).resolve().parents[1]
HDL = REPO / "hdl"


@pytest.fixture(scope="module")
def engine():
    return arch.read_engine()


@pytest.fixture(scope="module")
def env():
    return arch.read_env()


@pytest.fixture(scope="module")
def doc_blocks():
    text = arch.DOC.read_text()
    return {m.group("name"): m.group("body") for m in arch.BLOCK.finditer(text)}


def _no_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def instantiations(sv: Path) -> set[tuple[str, str]]:
    """(module, instance) of every `module #(...) u_name (` in a file, by regular expression."""
    pat = re.compile(r"^\s*([a-z]\w*)\s+(?:#\s*\(.*?\)\s*)?(u_\w+)\s*\(", re.S | re.M)
    return {(m.group(1), m.group(2)) for m in pat.finditer(_no_comments(sv.read_text()))}


def test_the_committed_doc_is_up_to_date(capsys):
    assert arch.main(["--check"]) == 0, capsys.readouterr().out


def test_every_instance_of_esact_top_is_drawn(engine, doc_blocks):
    listed = instantiations(HDL / "esact_top.sv")
    assert len(listed) >= 8
    assert {(c.module, c.name) for c in engine.top.children} == listed
    for module, name in listed:
        assert f'"{name}: {module}' in doc_blocks["engine-datapath"], (module, name)


def test_the_hierarchy_below_the_engines_is_the_rtl(engine):
    """Each module's children in the generator's tree are the instantiations its file lists."""
    def walk(inst):
        yield inst
        for c in inst.children:
            yield from walk(c)

    checked = set()
    for inst in walk(engine.top):
        if inst.module in checked or not (HDL / f"{inst.module}.sv").exists():
            continue
        checked.add(inst.module)
        assert {(c.module, c.name) for c in inst.children} == instantiations(HDL / f"{inst.module}.sv"), inst.module
    assert {"esact_gemm", "esact_pred", "layernorm", "softmax", "spls_predict"} <= checked


def test_every_engine_talks_to_the_sequencer_or_a_neighbour(engine):
    nodes = {n for pair in engine.edges() for n in pair}
    assert {c.name for c in engine.top.children} <= nodes
    assert any(src == SEQ for src, _ in engine.edges()) and any(dst == SEQ for _, dst in engine.edges())


def test_steps_and_stages_are_the_packages(engine):
    pkg = _no_comments((HDL / "esact_pkg.sv").read_text())
    body = re.search(r"typedef\s+enum[^{]*\{([^}]*)\}\s*step_e\s*;", pkg).group(1)
    steps = [s.split("=")[0].strip() for s in body.split(",")]
    assert [s.name for s in engine.steps] == steps
    top = _no_comments((HDL / "esact_top.sv").read_text())
    mapping = {}
    for m in re.finditer(r"^\s*((?:Step\w+\s*,\s*)*Step\w+)\s*:\s*stage\s*=\s*(Stage\w+)\s*;", top, re.M):
        for s in m.group(1).split(","):
            mapping[s.strip()] = m.group(2)
    assert len(mapping) >= 10
    assert {s.name: s.stage for s in engine.steps if s.stage} == mapping


def test_every_component_the_environment_creates_is_drawn(env, doc_blocks):
    """`Class("name", self` in tb/esact_top/ and tb/agents/ (ports left out) against the graph."""
    pat = re.compile(r"(?<![.\w])([A-Z]\w*|uvm_\w+)\(\s*\"\w+\"\s*,\s*self\b")  # classes: CapWords, pyuvm
    files = sorted((REPO / "tb" / "esact_top").glob("*.py")) + sorted((REPO / "tb" / "agents").rglob("*.py"))
    created = {m.group(1) for f in files for m in pat.finditer(f.read_text())}
    created = {c for c in created if not re.search(r"port|Imp", c)}
    assert {"EsactEnv", "ApbAgent", "StreamAgent", "EsactScoreboard", "uvm_sequencer"} <= created
    assert created <= env.classes("component")
    for c in created:
        assert f": {c}" in doc_blocks["environment"], c


def test_the_environment_connections_are_the_connect_calls(env):
    """Every `.connect(` of the env and agents is one analysis / sequence-item link."""
    files = [REPO / "tb" / "esact_top" / "esact_top_env.py", REPO / "tb" / "agents" / "apb" / "apb_agent.py",
             REPO / "tb" / "agents" / "stream" / "stream_agent.py"]
    calls = sum(f.read_text().count(".connect(") for f in files)
    links = [lk for lk in env.links if lk.kind in ("analysis", "seq_item")]
    # the stream agent's two connects are drawn for both of its instances (ld, out)
    assert len(links) == calls + 2
    assert any(lk.src.endswith("predictor") and lk.dst.endswith("scoreboard") for lk in links)
    assert not any(lk.src.endswith(".seq") and lk.dst.endswith("scoreboard") for lk in env.links)


def test_an_edited_generated_line_fails_the_check(tmp_path, capsys):
    doc = tmp_path / "architecture.md"
    text = arch.DOC.read_text()
    line = next(ln for ln in text.splitlines() if "-->|" in ln and "job_done" in ln)
    doc.write_text(text.replace(line, line.replace("job_done", "job_started"), 1))
    assert arch.main(["--check", "--doc", str(doc)]) == 1
    out = capsys.readouterr().out
    assert f"-{line.replace('job_done', 'job_started')}" in out and f"+{line}" in out
    # prose is the doc's own: editing it keeps the check green
    doc.write_text(text.replace("# Architecture", "# Architecture (edited)", 1))
    assert arch.main(["--check", "--doc", str(doc)]) == 0


def test_a_change_in_the_rtl_changes_the_picture(tmp_path):
    hdl = tmp_path / "hdl"
    shutil.copytree(HDL, hdl)
    top = hdl / "esact_top.sv"
    top.write_text(top.read_text().replace("u_stream (", "u_streamer (", 1))
    assert arch.blocks(hdl_dir=hdl)["engine-datapath"] != arch.blocks()["engine-datapath"]
    assert "u_streamer: esact_stream" in arch.blocks(hdl_dir=hdl)["engine-datapath"]


def test_bad_arguments_name_the_parameter(tmp_path, capsys):
    assert arch.main(["--check", "--doc", str(tmp_path / "missing.md")]) == 2
    assert "doc:" in capsys.readouterr().err
    bare = tmp_path / "bare.md"
    bare.write_text("# no blocks\n")
    assert arch.main(["--check", "--doc", str(bare)]) == 2
    err = capsys.readouterr().err
    assert "doc:" in err and "engine-stages" in err
    with pytest.raises(ValueError, match="^doc: .* has no generated block engine-stages"):
        arch.render(bare.read_text(), {"engine-stages": ""}, bare)
