"""The esact_top verification environment as its Python source states it, for
`python -m tb.tools.arch`.

Read with :mod:`ast` (nothing is imported from the testbench; pyuvm is imported only to
tell its component classes from its other classes).  From the base test of
``tb/esact_top/esact_top_tests.py`` (the class deriving from pyuvm's ``uvm_test``)
down, every method of every component class (and of its project base classes, through
``super()`` calls) is read for:

* creations ``self.x = C("name", self, ...)`` / ``C.create(...)`` / ``C.new(...)`` of a
  class of the testbench or of pyuvm: a uvm_component becomes a child (whose class is
  read in turn), another testbench class an object (BFM, configuration, sequence,
  register adapter); the ``if`` / ``... if c else None`` conditions of a creation are
  kept;
* ``a.connect(b)``: an analysis or sequence-item connection between the components
  owning ``a`` and ``b`` (a ``seq_item_port`` pulls: its items flow from the export);
* handles: ``n.attr = m`` (``n``, ``m`` components / objects), a creation's arguments
  that are components or objects (``bfm=self.bfm``, ``cocotb.top``: the DUT), a method
  of an object called with components in a ``connect_phase``
  (``reg_map.set_sequencer(sequencer, adapter)``);
* ``ConfigDB().set(self, "<child>", key, value)`` to a named child (wildcards -- the
  clock, to every component -- are left out);
* ``self.x = self.cfg.<...>``: an object taken out of the configuration; it becomes a
  node ("ref") when something connects to it, and every component that takes the same
  ``self.cfg.<...>`` then holds a handle to it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pyuvm

DUT = "dut"  # node path of the design (cocotb.top)
CREATE_METHODS = ("create", "new")  # C.create(...) (pyuvm factory), C.new() (configuration)
PULL_PORTS = ("seq_item_port",)  # connections whose items flow from the export to the port


@dataclass
class Node:
    path: str  # "test.env.apb.monitor"; DUT; "<scope>.<attr>" of a ref
    cls: str   # class name ("" for a ref or the DUT)
    kind: str  # component, object, ref, dut
    cond: str = ""  # the condition of its creation
    uvm_name: str = ""

    @property
    def parent(self) -> str:
        return self.path.rpartition(".")[0]

    @property
    def attr(self) -> str:
        return self.path.rpartition(".")[2]


@dataclass(frozen=True)
class Link:
    src: str
    dst: str
    kind: str   # analysis, seq_item, handle, config
    label: str


@dataclass
class Env:
    nodes: dict[str, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)

    def add(self, link: Link) -> None:
        if link not in self.links:
            self.links.append(link)

    def children(self, path: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.parent == path and n.kind != "dut"]

    def classes(self, kind: str = "component") -> set[str]:
        return {n.cls for n in self.nodes.values() if n.kind == kind}


def _strip_self(text: str) -> str:
    return text.replace("self.", "")


class EnvReader:
    """Reads the testbench sources under ``roots`` (every ``*.py``)."""

    def __init__(self, roots: list[Path]):
        self.classes: dict[str, ast.ClassDef] = {}
        for root in roots:
            for f in sorted(root.rglob("*.py")):
                for node in ast.parse(f.read_text(), str(f)).body:
                    if isinstance(node, ast.ClassDef):
                        if node.name in self.classes:
                            raise ValueError(f"roots: class {node.name} is defined twice ({f})")
                        self.classes[node.name] = node
        self.env = Env()
        self.refs: dict[str, dict[str, str]] = {}  # scope -> attr -> the cfg expression it holds
        self.pending: dict[str, Node] = {}  # refs no link uses yet

    # -- classes ------------------------------------------------------------------------
    @staticmethod
    def _base_names(cls: ast.ClassDef) -> list[str]:
        return [b.id if isinstance(b, ast.Name) else b.attr
                for b in cls.bases if isinstance(b, (ast.Name, ast.Attribute))]

    def is_component(self, name: str) -> bool:
        if name in self.classes:
            return any(self.is_component(b) for b in self._base_names(self.classes[name]))
        obj = getattr(pyuvm, name, None)  # a port is a uvm_component in pyuvm: not a component here
        return (isinstance(obj, type) and issubclass(obj, pyuvm.uvm_component)
                and not issubclass(obj, pyuvm.uvm_export_base))

    def derives(self, name: str, base: str) -> bool:
        bases = self._base_names(self.classes[name]) if name in self.classes else []
        return base in bases or any(self.derives(b, base) for b in bases)

    def methods(self, name: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """The methods of a class, each with the base-class versions it reaches by super()."""
        out: dict[str, list] = {}
        chain, seen = [name], set()
        while chain:
            cname = chain.pop(0)
            if cname not in self.classes or cname in seen:
                continue
            seen.add(cname)
            for f in self.classes[cname].body:
                if not isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                defs = out.get(f.name)
                if defs is None:
                    out[f.name] = [f]
                elif _calls_super(defs[-1]):
                    defs.append(f)
            chain.extend(self._base_names(self.classes[cname]))
        return [f for defs in out.values() for f in defs]

    def _creation(self, expr) -> tuple[str, ast.Call] | None:
        """(class name, call) when ``expr`` creates an instance of a known class."""
        if not isinstance(expr, ast.Call):
            return None
        f = expr.func
        if isinstance(f, ast.Name):
            name = f.id
        elif isinstance(f, ast.Attribute) and f.attr in CREATE_METHODS and isinstance(f.value, ast.Name):
            name = f.value.id
        else:
            return None
        if name in self.classes or self.is_component(name):
            return name, expr
        return None

    # -- walking ------------------------------------------------------------------------
    def read(self, test_module: Path) -> Env:
        tree = ast.parse(test_module.read_text(), str(test_module))
        tests = [c.name for c in tree.body if isinstance(c, ast.ClassDef) and "uvm_test" in self._base_names(c)]
        if len(tests) != 1:
            raise ValueError(f"test_module: {test_module} must define one class deriving from uvm_test, has {tests}")
        self.env.nodes[DUT] = Node(DUT, "", "dut")
        self._scope(Node("test", tests[0], "component", uvm_name="uvm_test_top"))
        self._ref_handles()
        return self.env

    def _scope(self, node: Node) -> None:
        self.env.nodes[node.path] = node
        self.refs[node.path] = {}
        methods = self.methods(node.cls)
        for f in methods:  # creations and configuration refs first: the names the rest resolves
            for stmt, conds in _statements(f.body):
                self._creations(node, stmt, conds, f.name == "build_phase")
        children = self.env.children(node.path)
        if not any(c.kind == "component" for c in children):
            for c in children:  # a leaf component's objects are its own business (a scoreboard's mirror)
                del self.env.nodes[c.path]
        for child in children:
            if child.kind == "component":
                self._scope(child)
        for f in methods:
            local: dict[str, ast.expr] = {}
            for stmt, _ in _statements(f.body):
                self._links(node, stmt, local, f.name)

    def _creations(self, scope: Node, stmt, conds: tuple[str, ...], build: bool) -> None:
        """``self.x = <creation>``, ``x = <object creation>`` (a local: the register
        adapter), ``self.x = self.cfg.<...>`` in build_phase (a ref)."""
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            return
        t, v = stmt.targets[0], stmt.value
        if isinstance(t, ast.Name):
            made = self._creation(v)
            if made and not self.is_component(made[0]):
                self.env.nodes[f"{scope.path}.{t.id}"] = Node(f"{scope.path}.{t.id}", made[0], "object")
            return
        if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"):
            return
        cond = conds
        if isinstance(v, ast.IfExp):
            cond, v = conds + (ast.unparse(v.test),), v.body
        made = self._creation(v)
        if made is None:
            if build and _is_cfg_chain(v):
                self.refs[scope.path][t.attr] = _strip_self(ast.unparse(v))
            return
        cls, call = made
        kind = "component" if self.is_component(cls) else "object"
        name = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else ""
        self.env.nodes[f"{scope.path}.{t.attr}"] = Node(
            f"{scope.path}.{t.attr}", cls, kind, _strip_self(" and ".join(cond)), name)

    def _links(self, scope: Node, stmt, local: dict, method: str) -> None:
        env = self.env
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            t, v = stmt.targets[0], stmt.value
            if isinstance(t, ast.Name):
                local[t.id] = v
                return
            pairs = list(zip(t.elts, v.elts)) if isinstance(t, ast.Tuple) and isinstance(v, ast.Tuple) else [(t, v)]
            for tt, vv in pairs:
                if isinstance(tt, ast.Attribute):
                    owner, rest = self.resolve(tt.value, scope, local)
                    dst, drest = self.resolve(vv, scope, local)
                    # the handle is the node itself, or a part of an object (the register model's map)
                    part_ok = not drest or self._kind(dst) != "component"
                    if owner and not rest and owner != scope.path and dst and part_ok:
                        self.link(Link(owner, dst, "handle", tt.attr))
            made = self._creation(v.body if isinstance(v, ast.IfExp) else v)
            if made and isinstance(t, ast.Attribute):
                self._argument_links(f"{scope.path}.{t.attr}", made[1], scope, local)
            return
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return
        if _is_configdb_set(call):
            self._config_link(scope, call, local)
            return
        src, src_rest = self.resolve(call.func.value, scope, local)
        if src is None:
            return
        if call.func.attr == "connect" and call.args:
            dst, dst_rest = self.resolve(call.args[0], scope, local)
            if dst is None:
                return
            if src_rest.endswith(PULL_PORTS):
                self.link(Link(dst, src, "seq_item", f"{dst_rest} → {src_rest}"))
            else:
                self.link(Link(src, dst, "analysis", f"{src_rest} → {dst_rest}"))
        elif method == "connect_phase":
            for a in call.args:
                dst, rest = self.resolve(a, scope, local)
                if dst and not rest:
                    self.link(Link(src, dst, "handle", f"{src_rest}.{call.func.attr}".lstrip(".")))

    def _argument_links(self, path: str, call: ast.Call, scope: Node, local: dict) -> None:
        args = [(ast.unparse(a), a) for a in call.args] + [(k.arg, k.value) for k in call.keywords]
        for label, a in args:
            dst, rest = self.resolve(a, scope, local)
            if dst and not rest and dst not in (path, scope.path):
                self.link(Link(path, dst, "handle", label))

    def _config_link(self, scope: Node, call: ast.Call, local: dict) -> None:
        _, inst, key, value = call.args
        if not (isinstance(inst, ast.Constant) and isinstance(key, ast.Constant)) or "*" in inst.value:
            return
        for child in self.env.children(scope.path):
            if child.uvm_name == inst.value:
                src, rest = self.resolve(value, scope, local)
                self.link(Link(src if src and not rest else scope.path, child.path, "config",
                                  f"ConfigDB {key.value}"))

    def resolve(self, expr, scope: Node, local: dict) -> tuple[str | None, str]:
        """The node an expression names and the rest of it (a port, a method call);
        (None, "") when it names none."""
        ops: list = []
        while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
            ops.append(expr)
            expr = expr.func if isinstance(expr, ast.Call) else expr.value
        ops.reverse()
        if isinstance(expr, ast.Name) and expr.id == "self":
            cur = scope.path
        elif isinstance(expr, ast.Name) and f"{scope.path}.{expr.id}" in self.env.nodes:
            cur = f"{scope.path}.{expr.id}"  # a local object (created in this scope)
        elif isinstance(expr, ast.Name) and expr.id in local:
            cur, rest = self.resolve(local[expr.id], scope, local)
            if cur is None or not rest:
                return (None, "") if cur is None else self._descend(cur, ops)
            return cur, (rest + "".join(_op_text(o) for o in ops)).lstrip(".")  # a part of a node
        elif isinstance(expr, ast.Name) and expr.id == "cocotb" and ops and getattr(ops[0], "attr", "") == "top":
            cur, ops = DUT, ops[1:]
        else:
            return None, ""
        return self._descend(cur, ops)

    def _descend(self, cur: str, ops: list) -> tuple[str, str]:
        """Follow attributes from node ``cur`` while they name nodes (a ref ends the
        walk: a pending node until a link uses it)."""
        i = 0
        while i < len(ops) and isinstance(ops[i], ast.Attribute) and cur not in self.pending:
            path = f"{cur}.{ops[i].attr}"
            if path in self.env.nodes:
                cur = path
            elif ops[i].attr in self.refs.get(cur, {}):
                cur = self._ref(cur, ops[i].attr)
            else:
                break
            i += 1
        return cur, "".join(_op_text(o) for o in ops[i:]).lstrip(".")

    def _ref(self, scope: str, attr: str) -> str:
        """The node of a ref: one node per configuration expression, in the scope of
        the first link that uses it."""
        text = self.refs[scope][attr]
        for n in self.env.nodes.values():
            if n.kind == "ref" and n.cls == text:
                return n.path
        path = f"{scope}.{attr}"
        self.pending.setdefault(path, Node(path, text, "ref"))
        return path

    def _kind(self, path: str) -> str:
        return (self.env.nodes.get(path) or self.pending[path]).kind

    def link(self, link: Link) -> None:
        """Add a link, making the refs it connects nodes; none to a node not shown."""
        if not all(e in self.env.nodes or e in self.pending for e in (link.src, link.dst)):
            return
        for end in (link.src, link.dst):
            if end in self.pending:
                self.env.nodes[end] = self.pending.pop(end)
        self.env.add(link)

    def _ref_handles(self) -> None:
        """A leaf component that takes a materialized ref's cfg expression holds it."""
        refs = {n.cls: n.path for n in self.env.nodes.values() if n.kind == "ref"}
        for scope, attrs in self.refs.items():
            if self.env.children(scope):
                continue
            for attr, text in attrs.items():
                if text in refs:
                    self.link(Link(scope, refs[text], "handle", attr))


def _calls_super(f: ast.FunctionDef) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Call)
               and getattr(n.func.value.func, "id", "") == "super" and n.func.attr == f.name for n in ast.walk(f))


def _statements(body, conds: tuple[str, ...] = ()):
    """Simple statements with the conditions of the ``if`` blocks around them."""
    for s in body:
        if isinstance(s, ast.If):
            yield from _statements(s.body, conds + (ast.unparse(s.test),))
            yield from _statements(s.orelse, conds + (f"not ({ast.unparse(s.test)})",))
        elif isinstance(s, (ast.For, ast.While, ast.With, ast.Try)):
            yield from _statements(s.body, conds)
        else:
            yield s, conds


def _is_cfg_chain(expr) -> bool:
    """``self.cfg.<attr>...``: an object held by the configuration."""
    names = []
    while isinstance(expr, ast.Attribute):
        names.append(expr.attr)
        expr = expr.value
    return isinstance(expr, ast.Name) and expr.id == "self" and len(names) >= 2 and names[-1] == "cfg"


def _is_configdb_set(call: ast.Call) -> bool:
    f = call.func
    return (f.attr == "set" and isinstance(f.value, ast.Call) and getattr(f.value.func, "id", "") == "ConfigDB"
            and len(call.args) == 4)


def _op_text(op) -> str:
    if isinstance(op, ast.Attribute):
        return f".{op.attr}"
    if isinstance(op, ast.Subscript):
        return f"[{ast.unparse(op.slice)}]"
    return "()"
