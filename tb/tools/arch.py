"""`python -m tb.tools.arch [--check] [--doc PATH]`: the pictures of docs/architecture.md.

Three Mermaid diagrams, generated from the code into the doc's generated blocks
(``<!-- BEGIN generated: <name> ... -->`` .. ``<!-- END generated: <name> -->``); the
prose around them is kept as written:

  engine-stages    the stage sequencer of esact_top: its steps (esact_pkg::step_e, in
                   declaration order) grouped by stage, the transitions with the signals
                   they wait for, and the instances each step starts (tb/tools/arch_rtl.py)
  engine-datapath  esact_top's instances with the units they instantiate, and the nets
                   between them (one arrow per driver -> reader pair, labelled with a
                   few net names and the count) (tb/tools/arch_rtl.py)
  environment      the esact_top verification environment: components, objects (BFMs,
                   configuration, sequence, register adapter), analysis and
                   sequence-item connections, handles, ConfigDB hand-offs
                   (tb/tools/arch_env.py)

``--check`` regenerates in memory and exits 1 with a diff when a block of the doc
differs (CI keeps the doc true to the code); exit 2 for a bad argument.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import Counter
from pathlib import Path

from tb.common.tools import REPO

from .arch_env import DUT, Env, EnvReader, Node
from .arch_rtl import IN, OUT, SEQ, Engine, engine

DOC = REPO / "docs" / "architecture.md"
HDL_DIR = REPO / "hdl"
TB_ROOTS = [REPO / "tb" / "esact_top", REPO / "tb" / "common", REPO / "tb" / "agents"]
TEST_MODULE = REPO / "tb" / "esact_top" / "esact_top_tests.py"
STORE_SUFFIX = "_buf"  # esact_act_buf, esact_param_buf: buffers, drawn as stores
LABEL_NETS = 3  # net names on an arrow before "+N"

BLOCK = re.compile(r"(<!-- BEGIN generated: (?P<name>[\w-]+)[^>]*-->\n)(?P<body>.*?)"
                   r"(<!-- END generated: (?P=name) -->)", re.S)


# ------------------------------------------------------------------------ mermaid
def _q(text: str) -> str:
    """A quoted Mermaid label."""
    return '"' + text.replace('"', "#quot;") + '"'


def _id(path: str) -> str:
    return "n_" + re.sub(r"\W", "_", path)


def _fence(lines: list[str]) -> str:
    return "```mermaid\n" + "\n".join(lines) + "\n```\n"


def _nets_label(nets: list[str]) -> str:
    more = len(nets) - LABEL_NETS
    return ", ".join(nets[:LABEL_NETS]) + (f" +{more}" if more > 0 else "")


def stages_diagram(e: Engine) -> str:
    mods = e.modules
    lines = ["flowchart TD"]
    groups: dict[str, list] = {}
    for s in e.steps:
        groups.setdefault(s.stage, []).append(s)
    for stage, steps in groups.items():
        nodes = []
        for s in steps:
            runs = [mods[i] for i in e.started_by(s) if not mods[i].endswith(STORE_SUFFIX)]
            nodes.append(f"{_id(s.name)}[{_q(s.name + ('<br/>' + ', '.join(runs) if runs else ''))}]")
        if stage:
            lines += [f"  subgraph {_id(stage)}[{_q(stage)}]", "    direction LR", *("    " + n for n in nodes), "  end"]
        else:  # the case default: idle
            lines += ["  " + n for n in nodes]
    if any(not t.src for t in e.transitions):
        lines.append(f"  {_id('any')}(({_q('any step')}))")
    for t in e.transitions:
        label = f"|{_q(', '.join(t.signals))}|" if t.signals else ""
        lines.append(f"  {_id(t.src or 'any')} -->{label} {_id(t.dst)}")
    return _fence(lines)


def _units_label(unit) -> str:
    below = Counter(unit.modules())
    text = f"{unit.name}: {unit.module}"
    if below:
        text += "<br/>" + ", ".join(m + (f" ×{n}" if n > 1 else "") for m, n in sorted(below.items()))
    return text


def datapath_diagram(e: Engine) -> str:
    lines = ["flowchart LR",
             f"  {_id(SEQ)}{{{{{_q('esact_top: stage sequencer')}}}}}",
             f"  {_id(IN)}>{_q('esact_top inputs')}]",
             f"  {_id(OUT)}>{_q('esact_top outputs')}]"]
    for inst in e.top.children:
        label = f"{inst.name}: {inst.module}"
        if inst.module.endswith(STORE_SUFFIX):
            lines.append(f"  {_id(inst.name)}[({_q(label)})]")
        elif inst.children:
            lines.append(f"  subgraph {_id(inst.name)}[{_q(label)}]")
            lines += [f"    {_id(inst.name + '.' + u.name)}[{_q(_units_label(u))}]" for u in inst.children]
            lines.append("  end")
        else:
            lines.append(f"  {_id(inst.name)}[{_q(label)}]")
    for (src, dst), nets in e.edges().items():
        lines.append(f"  {_id(src)} -->|{_q(_nets_label(nets))}| {_id(dst)}")
    return _fence(lines)


ARROWS = {"analysis": "-->", "seq_item": "==>", "handle": "-.->", "config": "-.->"}


def _env_label(n: Node, env: Env) -> str:
    if n.kind == "dut":
        return "DUT: esact_top (cocotb.top)"
    text = f"{n.attr} = {n.cls}" if n.kind == "ref" else f"{n.attr}: {n.cls}"
    cfg = [lk.label for lk in env.links if lk.kind == "config" and lk.dst == n.path and lk.src == n.parent]
    if cfg:
        text += f" ({', '.join(cfg)} from {n.parent.rpartition('.')[2]})"
    return text + (f"<br/><i>if {n.cond}</i>" if n.cond else "")


def _env_node(n: Node, env: Env, indent: str) -> list[str]:
    label = _q(_env_label(n, env))
    kids = env.children(n.path)
    if kids:
        out = [f"{indent}subgraph {_id(n.path)}[{label}]"]
        for k in kids:
            out += _env_node(k, env, indent + "  ")
        return out + [f"{indent}end"]
    shape = {"component": "[{}]", "object": "[/{}/]", "ref": "[({})]", "dut": "{{{{{}}}}}"}[n.kind]
    return [f"{indent}{_id(n.path)}{shape.format(label)}"]


def environment_diagram(env: Env) -> str:
    lines = ["flowchart LR"]
    roots = [n for n in env.nodes.values() if n.parent == "" and n.kind != "dut"]
    for r in roots:
        lines += _env_node(r, env, "  ")
    lines += _env_node(env.nodes[DUT], env, "  ")
    for lk in env.links:
        if lk.kind == "config" and lk.src == env.nodes[lk.dst].parent:
            continue  # a container configuring its child: in the child's title
        lines.append(f"  {_id(lk.src)} {ARROWS[lk.kind]}|{_q(lk.label)}| {_id(lk.dst)}")
    return _fence(lines)


# ------------------------------------------------------------------------ the doc
def read_engine(hdl_dir: Path = HDL_DIR) -> Engine:
    return engine(sorted(hdl_dir.glob("*.sv")))


def read_env(tb_roots: list[Path] = TB_ROOTS, test_module: Path = TEST_MODULE) -> Env:
    return EnvReader(tb_roots).read(test_module)


def blocks(hdl_dir: Path = HDL_DIR, tb_roots: list[Path] = TB_ROOTS,
           test_module: Path = TEST_MODULE) -> dict[str, str]:
    """Block name -> its generated text."""
    e = read_engine(hdl_dir)
    return {"engine-stages": stages_diagram(e), "engine-datapath": datapath_diagram(e),
            "environment": environment_diagram(read_env(tb_roots, test_module))}


def render(doc_text: str, generated: dict[str, str], doc: Path) -> str:
    """The doc with its generated blocks replaced; ValueError when one is missing."""
    found = {m.group("name") for m in BLOCK.finditer(doc_text)}
    missing = [n for n in generated if n not in found]
    if missing:
        raise ValueError(f"doc: {doc} has no generated block {', '.join(missing)} "
                         f"(`<!-- BEGIN generated: <name> -->` .. `<!-- END generated: <name> -->`)")
    return BLOCK.sub(lambda m: m.group(1) + generated.get(m.group("name"), m.group("body")) + m.group(4), doc_text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 with a diff if the doc's blocks are out of date")
    ap.add_argument("--doc", type=Path, default=DOC, help="the architecture page (default: %(default)s)")
    args = ap.parse_args(argv)
    try:
        if not args.doc.is_file():
            raise ValueError(f"doc: {args.doc} is not a file")
        old = args.doc.read_text()
        new = render(old, blocks(), args.doc)
    except ValueError as exc:
        print(f"arch: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if new == old:
            print(f"arch: {args.doc} is up to date")
            return 0
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                   f"{args.doc} (committed)", f"{args.doc} (from the code)"))
        print(f"arch: {args.doc} differs from the code; run `python -m tb.tools.arch`", file=sys.stderr)
        return 1
    if new != old:
        args.doc.write_text(new)
    print(f"arch: {args.doc} {'written' if new != old else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
