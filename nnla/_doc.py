r"""The docstrings' formulas as plain text, for a reader at a terminal (`help(nnla.forward)`).

The docstrings write their formulas in TeX, as the library page shows them: inline between a dollar sign and a
backtick and their mirror, displayed in a fenced block whose language is `math`. The page reads the source
(mkdocstrings, through griffe, never imports the package), so `nnla/__init__.py` rewrites each docstring of the
package at import, for `help()` and `pydoc`: each formula becomes the text a reader would write by hand,
`∂ℓ_k / ∂b_j`, `P = XW + 1b`, `Σ_(i=1)^n x_ri w_ij`.

The conversion reads TeX token by token (a group is one argument, a subscript or exponent applies to the group or
token after it), for the commands the docstrings use (`SYMBOLS`, `OPERATORS`, `SPACES`, `AS_IS`, fractions, roots); an
unknown command is kept as written, so nothing is lost, and `plain(tex, strict=True)` raises on it (the tests hold
every docstring to that). Outside an environment, a line of the source is a line of the text; a formula set in rows
(`ENVIRONMENTS`) reads one row a line (rows end at `\\\\`, whatever the source's lines), its alignment marks
(`&`) dropped.
"""

from __future__ import annotations

import contextlib
import re
import sys
from dataclasses import dataclass, field

__all__ = ["plain", "plain_docstring", "plain_docstrings"]

#: Commands that are one symbol.
SYMBOLS = {
    "partial": "∂", "ell": "ℓ", "eta": "η", "alpha": "α", "beta": "β", "delta": "δ", "Delta": "Δ",
    "lambda": "λ", "sigma": "σ", "varepsilon": "ε", "sum": "Σ", "pm": "±", "cdots": "⋯", "ldots": "…", "dots": "…",
    "lVert": "‖", "rVert": "‖", "max": "max", "tanh": "tanh", "top": "ᵀ",
}  # fmt: skip
#: Symbols written against what follows them, whatever the spacing in the source: `∂ℓ_k`, `±1`, `‖x`.
PREFIXES = {"partial", "pm", "lVert"}
#: Binary operators and relations, set off by spaces.
OPERATORS = {"cdot": "·", "circ": "∘", "otimes": "⊗", "times": "×", "le": "≤", "leftarrow": "←"}
#: Spacing commands: a space, or the wider gap between formulas set side by side.
SPACES = {",": " ", " ": " ", "quad": "\x00", "qquad": "\x00"}
#: Commands whose one argument is shown as it is: fonts, and text inside a formula.
AS_IS = {"mathbf", "boldsymbol", "mathrm", "text", "operatorname"}
#: Environments whose rows are read one a line: the alignment of equations set one under another.
ENVIRONMENTS = {"aligned"}
#: What superscripts Unicode has, for exponents made of these alone.
SUPERSCRIPTS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
#: The gap `\quad` and `\qquad` leave between formulas side by side.
GAP = "    "

_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|(\n)|([ \t]+)|(.)", re.DOTALL)


@dataclass
class _Reader:
    """TeX's tokens, read left to right."""

    tokens: list[tuple[str, str]]
    at: int = 0
    #: How many environments set in rows the reader is inside.
    rows: int = 0
    unknown: list[str] = field(default_factory=list)

    def next(self) -> tuple[str, str] | None:
        if self.at == len(self.tokens):
            return None
        self.at += 1
        return self.tokens[self.at - 1]

    def skip_spaces(self) -> None:
        while self.at < len(self.tokens) and self.tokens[self.at] in {("space", ""), ("command", ",")}:
            self.at += 1

    def group(self, depth: int) -> str:
        """Everything up to the closing brace of the group just opened (or the end)."""
        out = []
        while (token := self.next()) is not None and token != ("char", "}"):
            out.append(self.atom(token, depth + 1))
        return "".join(out)

    def argument(self, depth: int) -> str:
        """A command's argument: a group, or the one token that follows."""
        token = self.next()
        while token is not None and token[0] == "space":
            token = self.next()
        if token is None:
            return ""
        return self.group(depth) if token == ("char", "{") else self.atom(token, depth)

    def atom(self, token: tuple[str, str], depth: int) -> str:
        kind, text = token
        if kind == "newline":
            return "\n" if depth == 0 and not self.rows else " "
        if kind == "space":
            return " "
        if kind == "char":
            if text == "{":
                return self.group(depth)
            if text in "_^":
                return _script(text, self.argument(depth))
            return "" if text == "&" else text
        if text in SYMBOLS:
            if text in PREFIXES:
                self.skip_spaces()
            return SYMBOLS[text]
        if text in OPERATORS:
            return f" {OPERATORS[text]} "
        if text in SPACES:
            return SPACES[text]
        if text in AS_IS:
            return self.argument(depth)
        if text == "frac":
            return f"{_operand(self.argument(depth))}/{_operand(self.argument(depth))}"
        if text == "\\":  # the end of a row
            return "\n" if depth == 0 else " "
        if text in {"begin", "end"}:
            environment = self.argument(depth)
            if environment in ENVIRONMENTS:
                self.rows += 1 if text == "begin" else -1
                return ""
            self.unknown.append(f"{text}{{{environment}}}")
            return f"\\{text}{{{environment}}}"
        if text == "sqrt":
            return f"√({self.argument(depth).strip()})"
        self.unknown.append(text)
        return "\\" + text


def _script(mark: str, body: str) -> str:
    """A subscript as `_ij` or `_(s-1)`; an exponent in Unicode superscripts when it can be, else `^n`, `^(…)`."""
    body = body.strip()
    if mark == "^":
        if body in {"ᵀ", "*", "'"}:
            return body
        if re.fullmatch(r"[-+]?\d+", body):
            return body.translate(SUPERSCRIPTS)
    return mark + (body if re.fullmatch(r"[^\W_]+", body) else f"({body})")


def _operand(part: str) -> str:
    """A fraction's numerator or denominator, in parentheses when it is more than one term or product."""
    part = part.strip()
    return f"({part})" if re.search(r"[\s+\-−·×/]", part) else part


def plain(tex: str, *, strict: bool = False) -> str:
    """A TeX formula as plain text; with `strict`, a `ValueError` naming any command this module cannot read."""
    tokens = []
    for match in _TOKEN.finditer(tex):
        word, symbol, newline, space, char = match.groups()
        if word is not None:
            tokens.append(("command", word))
        elif symbol is not None:
            tokens.append(("command", symbol))
        elif newline is not None:
            tokens.append(("newline", ""))
        elif space is not None:
            tokens.append(("space", ""))
        else:
            tokens.append(("char", char))
    reader = _Reader(tokens)
    out = []
    while (token := reader.next()) is not None:
        out.append(reader.atom(token, 0))
    if strict and reader.unknown:
        names = ", ".join("\\" + name for name in reader.unknown)
        raise ValueError(f"plain: no plain text for {names} in the formula {tex!r}")
    lines = []
    for line in "".join(out).split("\n"):
        line = re.sub(r"\s+‖(?=[_¹²³⁰-⁹),;]|$)", "‖", line)  # a closing norm bar follows its operand
        line = re.sub(r" {2,}", " ", line).replace(" \x00", "\x00").replace("\x00 ", "\x00")
        lines.append(line.replace("\x00", GAP).strip())
    return "\n".join(line for line in lines if line)


#: A displayed formula: a ```math fence at some indentation, its lines, and its closing fence.
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```math[ \t]*\n(?P<body>.*?)^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
#: An inline formula, in markdown-katex's syntax.
_INLINE = re.compile(r"\$`(?P<tex>[^`]+)`\$")


def plain_docstring(doc: str, *, strict: bool = False) -> str:
    """A docstring with each formula, displayed or inline, written as plain text."""

    def display(match: re.Match[str]) -> str:
        indent = match["indent"]
        return "\n".join(indent + line for line in plain(match["body"], strict=strict).split("\n"))

    def inline(match: re.Match[str]) -> str:
        return plain(re.sub(r"\s*\n\s*", " ", match["tex"]), strict=strict)

    return _INLINE.sub(inline, _FENCE.sub(display, doc))


def plain_docstrings(package: str) -> None:
    """Rewrite, in place, the docstrings of `package`, its modules, and the functions, classes and their members
    defined in them, for `help()`."""
    for name, module in list(sys.modules.items()):
        if module is None or not (name == package or name.startswith(package + ".")):
            continue
        owners: list[object] = [module]
        for value in vars(module).values():
            if getattr(value, "__module__", None) == name:
                owners.append(value)
                if isinstance(value, type):
                    owners += [v for k, v in vars(value).items() if not k.startswith("__")]
        for owner in owners:
            doc = getattr(owner, "__doc__", None)
            if isinstance(doc, str) and ("$`" in doc or "```math" in doc):
                # A docstring Python keeps read-only is left as written.
                with contextlib.suppress(AttributeError, TypeError):
                    owner.__doc__ = plain_docstring(doc)
