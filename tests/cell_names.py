"""Which names a notebook cell reads before it binds them, and which it binds, statement by
statement: what the structure tests need to know that dropping the test-only cells (tag
``remove-cell``) from a notebook changes nothing a shown cell reads."""

from __future__ import annotations

import ast
import re
import symtable

# The magics that run the code they are given (`%time f()`, `%%timeit`, `%%capture`): that code
# is read as the cell's own. Other magics (`%matplotlib inline`) read no Python name.
CODE_MAGIC = re.compile(r"^([ \t]*(?:\w+[ \t]*=[ \t]*)?)%{1,2}(?:time|timeit|prun|capture)\b"
                        r"(?:[ \t]+-\w+(?:[ \t]+\d+)?)*[ \t]*(?:\w+[ \t]*$)?", re.MULTILINE)


def _python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(CODE_MAGIC.sub(r"\1", source))


def _names(node: ast.AST) -> tuple[set[str], set[str]]:
    """(read, bound) global names of one statement or expression, taken as a whole: the names
    it references (in functions, lambdas and comprehensions too, where they are not local) and
    those it binds."""
    table = symtable.symtable(ast.unparse(node), "<cell>", "exec")
    bound = {s.get_name() for s in table.get_symbols()
             if s.is_assigned() or s.is_imported() or s.is_namespace()}
    read: set[str] = set()
    scopes = [table]
    while scopes:
        scope = scopes.pop()
        read |= {s.get_name() for s in scope.get_symbols()
                 if s.is_referenced() and (scope is table or s.is_global())}
        scopes += scope.get_children()
    return read, bound


class CellNames:
    """Walks a cell's statements in order: ``reads`` (names read before the cell itself bound
    them, in order), ``binds`` (every name it binds at its top level) and ``opaque`` (what the
    walk cannot follow: ``import *``, ``global``, ``del`` of a name)."""

    def __init__(self, source: str) -> None:
        self.reads: list[str] = []
        self.binds: set[str] = set()
        self.opaque: list[str] = []
        self._block(ast.parse(_python(source)).body)

    def _read(self, names: set[str]) -> None:
        self.reads += sorted(name for name in names if name not in self.binds and name not in self.reads)

    def _expression(self, node: ast.AST | None) -> None:
        if node is not None:
            read, bound = _names(node)
            self._read(read - bound)
            self.binds |= bound  # the walrus operator

    def _target(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            self.binds.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self._target(element)
        elif isinstance(node, ast.Starred):
            self._target(node.value)
        else:  # obj.attr = ..., obj[i] = ...: reads obj (and i)
            self._expression(node)

    def _block(self, statements: list[ast.stmt]) -> None:
        for node in statements:
            self._statement(node)

    def _statement(self, node: ast.stmt) -> None:  # noqa: C901 - one branch per kind of statement
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            read, _ = _names(node)  # decorators and defaults now, the body's globals when called
            self._read(read - {node.name})
            self.binds.add(node.name)
            for inner in ast.walk(node):  # `global` in a function binds a name of the cell
                if isinstance(inner, ast.Global):
                    self.opaque.append(f"declares {', '.join(inner.names)} global in {node.name}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    self.opaque.append(f"imports * from {node.module}")
                else:
                    self.binds.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            self._expression(node.value)
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                self._target(target)
        elif isinstance(node, ast.AugAssign):  # x += 1 reads x
            self._expression(node.value)
            self._expression(node.target)
            self._target(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._expression(node.iter)
            self._target(node.target)
            self._block(node.body + node.orelse)
        elif isinstance(node, (ast.While, ast.If)):
            self._expression(node.test)
            self._block(node.body + node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._expression(item.context_expr)
                if item.optional_vars is not None:
                    self._target(item.optional_vars)
            self._block(node.body)
        elif isinstance(node, ast.Try):
            self._block(node.body)
            for handler in node.handlers:
                self._expression(handler.type)
                if handler.name:
                    self.binds.add(handler.name)
                self._block(handler.body)
            self._block(node.orelse + node.finalbody)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.opaque.append(f"deletes {target.id}")
                else:
                    self._expression(target)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.opaque.append(f"declares {', '.join(node.names)} global")
        else:  # an expression, assert, raise, return, match, ...
            read, bound = _names(node)
            self._read(read - bound)
            self.binds |= bound

