"""The built site as a doc-test: every number on every page is recomputed here and compared.

The recomputations below are written from the essay's formulas directly, in plain NumPy, from the inputs the
site publishes (its ``x``, ``W``, ``b``, ``t`` and batch arrays); none of them calls the nnla function that
produced the value. A value on a page without a recomputation here is reported by
`every_value_is_recomputed`.

Each check takes a `Site` (a built site, read once) and returns a list of problems, each naming the page or
the value it is about; an empty list means the check holds. `check_site` runs them all. The tests in
``test_site_values.py`` assert each check on the project's own build; ``test_doctest_breaks.py`` runs
`check_site` on builds of deliberately broken copies of the project and asserts it reports the break.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import doccheck_derivations  # the derivations page's checks (it reads this module's helpers when they run)
import doccheck_explorers  # the explorers' checks (it reads this module's helpers when its checks run)
import doccheck_network  # Part III's checks (it reads this module's helpers when its checks run)
import numpy as np
import pytest
from bs4 import BeautifulSoup, Tag
from selectolax.lexbor import LexborHTMLParser, LexborNode

#: Pages built from Markdown (not the search index or the 404 page).
PAGES = ["index.html", "part-1/index.html", "part-2/index.html", "errata/index.html"]
#: float64 agreement between the site and an independent recomputation of the same formula.
RTOL, ATOL = 1e-9, 1e-12
#: A trace re-run here sums the same floats in another order; its losses agree to this relative tolerance.
TRACE_RTOL, TRACE_ATOL = 1e-7, 1e-12
#: The site's numbers as TeX: a whole part grouped in threes by a thin space (``161\,369.65``) or not, decimals,
#: and a power of ten.
TEX_NUMBER = re.compile(r"(-?(?:\d{1,3}(?:\\,\d{3})+|\d+)(?:\.\d+)?)(?:\s*\\times\s*10\^\{(-?\d+)\})?")
#: The same numbers as HTML text in the trace tables: a real minus sign, a narrow no-break space between groups,
#: and a superscript exponent.
HTML_NUMBER = re.compile(r"^([−-]?(?:\d{1,3}(?:\u202f\d{3})+|\d+)(?:\.\d+)?)(?:×10\^?([−-]?\d+))?$")
#: From this many digits on, a whole part is grouped in threes: one style for every number a page shows.
GROUP_FROM = 5
#: The traces the essay's corrections rest on.
REQUIRED_TRACES = {
    "trace_literal",
    "trace_stable",
    "trace_boundary",
    "trace_above",
    "trace_batch",
    "trace_batch_noisy",
}
#: The seed of the batch examples, as the pages state it.
SEED = 2023

#: Published inputs: chosen, not derived, so there is nothing to recompute; the checks test them otherwise.
INPUTS = {
    "x",
    "W",
    "b",
    "t",
    "lr",
    "lr_above",
    "batch_X",
    "batch_T",
    "batch_T_noisy",
    "batch_W0",
    "batch_b0",
    "batch_lr",
    "toy_start",
    "unsquared_e",
}

Published = dict[str, Any]


# ---------------------------------------------------------------------------------------------- reading the site


@dataclass
class Site:
    """A built site, read once: every element carrying a computed value, and the values it publishes.

    Attributes:
        site_dir: the site's folder.
        output: what the build printed (empty when unknown).
        elements: (page, element) for every element with ``data-nnla-name``, in page order.
        published: name -> value, from the pages' ``data-nnla-value``.
        pages_of: name -> the pages that show it.
        conflicts: values whose copies on the pages differ from one another.
        soups: every HTML page, parsed, by its path in the site.
        texts: every HTML page's text, by its path, as it was parsed.
    """

    site_dir: Path
    output: str = ""
    soups: dict[str, BeautifulSoup] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    elements: list[tuple[str, Tag]] = field(default_factory=list)
    published: Published = field(default_factory=dict)
    pages_of: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)

    def page(self, path: str) -> str:
        return (self.site_dir / path).read_text(encoding="utf-8")

    def html_pages(self) -> Iterator[Path]:
        return iter(sorted(self.site_dir.rglob("*.html")))

    def where(self, name: str) -> str:
        """The pages a value is shown on, for a problem's message."""
        return ", ".join(self.pages_of.get(name, [])) or "no page"

    def element(self, page: str, name: str) -> Tag | None:
        """The first element on `page` that carries the value `name`, as `[data-nnla-name="..."]` selects it (read
        off `elements`, not by searching the page's parse again)."""
        return next((e for at, e in self.elements if at == page and e.get("data-nnla-name") == name), None)


def attribute(element: Tag, key: str) -> str:
    """A single-valued attribute such as ``data-nnla-value`` (bs4 gives a list only for ``class`` and the like)."""
    value = element[key]
    assert isinstance(value, str), f"{key} on <{element.name}> is multi-valued: {value!r}"
    return value


def read_site(site_dir: Path, output: str = "", like: Site | None = None) -> Site:
    """Read every computed value off the built pages; every copy of a value on any page must agree.

    ``like`` is a reading of another build (the session's): a page whose text is the same, character for character,
    shares that reading's parse instead of being parsed again (the checks only read a parse). A break-it test that
    alters one page or rebuilds a copy then parses only the pages that differ.
    """
    site = Site(Path(site_dir), output)
    for path in site.html_pages():
        page = str(path.relative_to(site.site_dir))
        text = site.texts[page] = path.read_text(encoding="utf-8")
        shared = like.soups.get(page) if like is not None and like.texts.get(page) == text else None
        soup = site.soups[page] = shared if shared is not None else BeautifulSoup(text, "html.parser")
        if like is not None and shared is not None:  # the same parse: its elements, as `like` found them
            carrying = [element for at, element in like.elements if at == page]
        else:
            carrying = soup.find_all(None, attrs={"data-nnla-name": True})
        for element in carrying:
            site.elements.append((page, element))
            name = attribute(element, "data-nnla-name")
            value = _carried(site, element, name)
            if name in site.published and site.published[name] != value:
                site.conflicts.append(f"{name} differs between two places ({page})")
            site.published[name] = value
            if page not in site.pages_of.setdefault(name, []):
                site.pages_of[name].append(page)
    return site


def _carried(site: Site, element: Tag, name: str) -> Any:
    """The value an element carries (``data-nnla-value``), or, when it names values.json instead
    (``data-nnla-published``, a value too large for its page), the value values.json publishes under its name."""
    if element.get("data-nnla-published") is None:
        return json.loads(attribute(element, "data-nnla-value"))
    where = attribute(element, "data-nnla-published")
    if where != "values.json" or "data-nnla-value" in element.attrs:
        raise ValueError(f"{name}: an element names {where!r} as where it is published, and must carry no JSON")
    published: dict[str, Any] = json.loads(site.page("values.json"))["values"]
    return published[name]["value"]


def array(published: Published, name: str) -> np.ndarray:
    return np.asarray(published[name], dtype=np.float64)


def mismatch(check: Callable[[], object]) -> str | None:
    """Run a NumPy testing assertion; return its message when it fails."""
    try:
        check()
    except AssertionError as error:
        return " ".join(str(error).split())
    return None


# ---------------------------------------------------------------------------------- independent recomputations


def descend(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, T: np.ndarray, lr: float, steps: int, mean: bool
) -> tuple[list[float], bool]:
    """Gradient descent written out step by step; stops before the first loss that is not finite."""
    m, z = T.shape
    scale = 1.0 / (m * z) if mean else 1.0
    losses: list[float] = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps + 1):
            E = T - (X @ W + b)
            loss = float(np.sum(E * E)) * scale
            if not math.isfinite(loss):
                return losses, True
            losses.append(loss)
            W = W + lr * scale * 2.0 * X.T @ E
            b = b + lr * scale * 2.0 * E.sum(axis=0, keepdims=True)
            if not (np.isfinite(W).all() and np.isfinite(b).all()):
                return losses, True
    return losses, False


def recompute(p: Published) -> dict[str, Callable[[], Any]]:
    """For each published name, how to compute it again from the published inputs."""
    x, W, b, t = (array(p, n) for n in ("x", "W", "b", "t"))
    n, z = W.shape
    e = t - (x @ W + b)
    sse = float(np.sum(e**2))
    norm2 = float(np.sum(x**2))
    lam = 2.0 * (1.0 + norm2)  # SSE Hessian in (W, b) for one example: 2 (xᵀx ⊕ 1) ⊗ I, largest eigenvalue
    J_W = np.zeros((n, z, z))
    for i in range(n):
        for j in range(z):
            J_W[i, j, j] = -2.0 * e[0, j] * x[0, i]
    lr = p["lr"]
    W_next = W + lr * 2.0 * x.T @ e
    b_next = b + lr * 2.0 * e
    factor = 1.0 - 2.0 * (1.0 + norm2)
    X, Tn = array(p, "batch_X"), array(p, "batch_T_noisy")
    m = X.shape[0]
    A = np.hstack([X, np.ones((m, 1))])
    normal = np.linalg.solve(A.T @ A, A.T @ Tn)
    residual = Tn - A @ normal
    literal, _ = descend(x, W, b, t, 1.0, 10_000, mean=False)

    def toy(lr: float, steps: int, swapped: bool) -> list[list[float]]:
        w, y = p["toy_start"]
        rows = [[0.0, w, y, w * w + y * y]]
        for k in range(1, steps + 1):
            dw, dy = 2 * w, 2 * y
            w, y = (w - lr * dy, y - lr * dw) if swapped else (w - lr * dw, y - lr * dy)
            rows.append([float(k), w, y, w * w + y * y])
        return rows

    return {
        "xW": lambda: x @ W,
        "p": lambda: x @ W + b,
        "e": lambda: e,
        "loss_vector": lambda: e * e,
        "sse": lambda: sse,
        "mse": lambda: sse / z,
        "jacobian_bias": lambda: np.diag(-2.0 * e[0]),
        "grad_bias": lambda: -2.0 * e,
        "jacobian_weights": lambda: J_W,
        "grad_weights": lambda: -2.0 * np.outer(x, e),
        "jw_entries": lambda: n * z * z,
        "jw_nonzeros": lambda: n * z,
        "W_next": lambda: W_next,
        "b_next": lambda: b_next,
        "sse_next": lambda: float(np.sum((t - x @ W_next - b_next) ** 2)),
        "lambda_max": lambda: lam,
        "lr_max": lambda: 2.0 / lam,
        "lr_half": lambda: 1.0 / lam,
        "literal_factor": lambda: factor,
        "literal_growth": lambda: factor**2,
        "trace_literal_sse1": lambda: sse * factor**2,
        "trace_literal_sse2": lambda: sse * factor**4,
        "trace_literal_overflow_step": lambda: len(literal),
        "batch_lr_max": lambda: m * z / np.linalg.norm(A, 2) ** 2,
        "batch_lstsq_mse": lambda: float(np.sum(residual**2)) / (m * z),
        "batch_W_lstsq": lambda: normal[:-1],
        "batch_b_lstsq": lambda: normal[-1:],
        "toy_Z0": lambda: sum(v * v for v in p["toy_start"]),
        "toy_swapped": lambda: toy(1.0, len(p["toy_swapped"]) - 1, swapped=True),
        "toy_swapped_Z1": lambda: toy(1.0, 1, swapped=True)[1][3],
        "toy_unit": lambda: toy(1.0, len(p["toy_unit"]) - 1, swapped=False),
        "toy_step": lambda: toy(0.25, len(p["toy_step"]) - 1, swapped=False),
        "toy_lr": lambda: 0.25,  # the quarter step the essay's converging toy descent takes
        "toy_lr_bound": lambda: 2.0 / 2.0,  # Z = w² + y² has Hessian 2I
        "square_at_4": lambda: 4.0**2,
        "square_at_5": lambda: 5.0**2,
        "square_at_6": lambda: 6.0**2,
        "square_diff": lambda: 5.0**2 - 4.0**2,
        "square_slope_at_4": lambda: 2 * 4.0,
        "unsquared_loss": lambda: float(np.mean(p["unsquared_e"])),
        "squared_mse": lambda: float(np.mean(np.square(p["unsquared_e"]))),
    }


# -------------------------------------------------------------------------------------------- the values

Check = Callable[[Site], list[str]]


def every_copy_of_a_value_agrees(site: Site) -> list[str]:
    """Every copy of a value, on any page, carries the same value."""
    return list(site.conflicts)


def every_value_is_recomputed(site: Site) -> list[str]:
    """A value on a page that this module cannot recompute is a number nobody checks."""
    published = site.published
    traces = {name for name in published if name.startswith("trace_") and isinstance(published[name], dict)}
    missing = set(published) - set(recompute(published)) - INPUTS - traces
    missing -= doccheck_derivations.RECOMPUTED
    missing -= doccheck_network.RECOMPUTED
    missing -= doccheck_explorers.RECOMPUTED
    return [f"no recomputation for {name} (on {site.where(name)})" for name in sorted(missing)]


def values_match_recomputation(site: Site) -> list[str]:
    """Every derived value on the pages equals its recomputation from the published inputs."""
    problems = []
    for name, again in recompute(site.published).items():
        if name not in site.published:
            problems.append(f"{name} is not on any page")
            continue

        def compare(name: str = name, again: Callable[[], Any] = again) -> None:
            np.testing.assert_allclose(
                np.asarray(site.published[name], dtype=np.float64), again(), rtol=RTOL, atol=ATOL, err_msg=name
            )

        message = mismatch(compare)
        if message:
            problems.append(f"{name} (on {site.where(name)}) differs from its recomputation: {message}")
    return problems


def is_linear_trace(value: Any) -> bool:
    """Whether a published value is a run of descent on the linear layer (the network's name W1, not W; an
    explorer's JSON holds many runs, not one)."""
    return isinstance(value, dict) and "losses" in value and "W" in value.get("inputs", {})


def traces_rerun_from_their_published_inputs(site: Site) -> list[str]:
    """Every loss trace, re-run here from the inputs it names, gives the published losses."""
    published = site.published
    traces = {name: v for name, v in published.items() if is_linear_trace(v)}
    problems = [f"the trace {name} is on no page" for name in sorted(REQUIRED_TRACES - set(traces))]
    for name, trace in traces.items():
        inputs = {role: array(published, source) for role, source in trace["inputs"].items()}
        # A trace that diverged records the steps it finished; the re-run takes one more, which must overflow.
        steps = trace["steps"] + 1 if trace["diverged"] else trace["steps"]
        losses, diverged = descend(
            inputs["X"],
            inputs["W"],
            inputs["b"],
            inputs["T"],
            trace["lr"],
            steps,
            mean=trace["reduction"] == "mean",
        )
        where = f"{name} (on {site.where(name)})"
        if trace["diverged"] != diverged:
            problems.append(f"{where} says diverged={trace['diverged']}, but re-run it diverged={diverged}")

        def compare(trace: dict[str, Any] = trace, losses: list[float] = losses, name: str = name) -> None:
            np.testing.assert_allclose(trace["losses"], losses, rtol=TRACE_RTOL, atol=TRACE_ATOL, err_msg=name)

        message = mismatch(compare)
        if message:
            problems.append(f"{where}: its losses differ from a re-run: {message}")
    return problems


def traces_behave_as_the_pages_say(site: Site) -> list[str]:
    """The claims the essay's corrections rest on, asserted from the published traces."""
    p = site.published
    lr_max = p["lr_max"]
    literal, stable, boundary = p["trace_literal"], p["trace_stable"], p["trace_boundary"]
    above = p["trace_above"]["losses"]
    noisy = p["trace_batch_noisy"]["losses"]
    lstsq = p["batch_lstsq_mse"]
    expectations = [
        (literal["lr"] == 1.0 and literal["diverged"], "trace_literal: a unit step that diverges"),
        (stable["lr"] < lr_max and stable["losses"][-1] < 1e-20, "trace_stable: below lr_max, down to zero"),
        (
            boundary["lr"] == pytest.approx(lr_max, rel=1e-12),
            f"trace_boundary: its step {boundary['lr']!r} is lr_max = {lr_max!r}",
        ),
        (
            mismatch(lambda: np.testing.assert_allclose(boundary["losses"], boundary["losses"][0], rtol=1e-9)) is None,
            "trace_boundary: at lr_max the loss stays where it starts",
        ),
        (
            p["trace_above"]["lr"] == p["lr_above"] > lr_max,
            f"trace_above: its step is lr_above = {p['lr_above']!r}, above lr_max = {lr_max!r}",
        ),
        (all(b > a for a, b in itertools.pairwise(above)), "trace_above: above lr_max the loss grows at every step"),
        (p["batch_lr"] < p["batch_lr_max"], "batch_lr is below batch_lr_max"),
        (p["trace_batch"]["losses"][-1] < 1e-20, "trace_batch: a consistent batch goes down to zero loss"),
        (
            noisy[-1] == pytest.approx(lstsq, rel=1e-9),
            f"trace_batch_noisy: it ends at the least-squares MSE {lstsq!r}; it ends at {noisy[-1]!r}",
        ),
        (min(noisy) >= lstsq * (1 - 1e-12), "trace_batch_noisy: it never goes below the least-squares MSE"),
    ]
    return [f"{what} does not hold" for holds, what in expectations if not holds]


def batch_inputs_are_what_the_pages_say(site: Site) -> list[str]:
    """The consistent batch is exactly linear, the noisy one is not, and descent starts from zero."""
    p = site.published
    X, T, Tn = array(p, "batch_X"), array(p, "batch_T"), array(p, "batch_T_noisy")
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    fit = np.linalg.lstsq(A, T, rcond=None)[0]
    problems = []
    message = mismatch(lambda: np.testing.assert_allclose(A @ fit, T, atol=1e-10))
    if message:
        problems.append(f"batch_T must be exactly linear in X: {message}")
    if not np.abs(Tn - T).max() > 0.05:
        problems.append("the noisy target batch_T_noisy must differ from the consistent one")
    if array(p, "batch_W0").any() or array(p, "batch_b0").any():
        problems.append("the batch traces must start from zero weights and bias")
    return problems


def values_json_agrees_with_the_pages(site: Site) -> list[str]:
    """values.json holds exactly the values on the pages, with their shapes and the pages that show them."""
    values_json = json.loads(site.page("values.json"))
    problems = []
    if values_json["seed"] != SEED:
        problems.append(f"values.json: seed {values_json['seed']!r}, the pages say {SEED}")
    if values_json["numpy"] != np.__version__:
        problems.append(f"values.json: numpy {values_json['numpy']!r}, but this is numpy {np.__version__}")
    document = values_json["values"]
    if set(document) != set(site.published):
        problems.append(
            "values.json and the pages name different values: "
            f"only in values.json {sorted(set(document) - set(site.published))}, "
            f"only on the pages {sorted(set(site.published) - set(document))}"
        )
    for name, entry in document.items():
        if name in site.published and entry["value"] != site.published[name]:
            problems.append(f"values.json: {name} differs from the one on {site.where(name)}")
        if not entry["pages"]:
            problems.append(f"values.json: {name} is listed with no page")
        value = entry["value"]
        if isinstance(value, dict):  # a trace has a loss a step; an explorer has a setting a position of its control
            shape = [len(value["losses"])] if "losses" in value else [len(value[value["control"]])]
        else:
            shape = list(np.shape(value))
        if entry["shape"] != shape:
            problems.append(f"values.json: {name} has shape {entry['shape']}, its value has {shape}")
    return problems


def no_marker_or_token_is_left(site: Site) -> list[str]:
    """A marker left as an HTML comment would be a value the reader never sees (shown in code, it is escaped)."""
    problems = []
    for path in site.html_pages():
        text = path.read_text(encoding="utf-8")
        page = path.relative_to(site.site_dir)
        if re.search(r"<!--\s*nnla", text, flags=re.I):
            problems.append(f"a marker is left in {page}")
        if "NNLAVALUE" in text:
            problems.append(f"a token is left in {page}")
    return problems


# ------------------------------------------------------------------------------ numbers as the reader sees them


def grouped_as_the_site_writes(text: str) -> bool:
    """Whether a number as displayed groups its whole part in threes exactly when it has five digits or more."""
    whole = re.sub(r"\\,|\u202f", " ", text.lstrip("−-").split(".")[0])
    groups = whole.split(" ")
    if len(groups) == 1:
        return len(whole) < GROUP_FROM
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


def site_style_tex(number: str) -> str:
    r"""Digits as the site writes them in a formula: ``161369.65`` is ``161\,369.65``, ``2023`` stays."""
    whole, point, fraction = number.partition(".")
    if len(whole) >= GROUP_FROM:
        whole = re.sub(r"(\d)(?=(\d{3})+$)", r"\1\\,", whole)
    return whole + point + fraction


def shown_precision_holds(text: str, exponent: str | None, value: float) -> bool:
    """Whether a number as displayed (its digits perhaps grouped) is the value at the displayed precision."""
    text = re.sub(r"\\,|\u202f", "", text).replace("−", "-")
    decimals = len(text.split(".")[1]) if "." in text else 0
    scale = 10.0 ** int(exponent.replace("−", "-")) if exponent else 1.0
    shown = float(text) * scale
    return abs(shown - value) <= 0.5 * 10.0**-decimals * scale * (1 + 1e-9) + 1e-300


def tex_numbers(tex: str) -> list[tuple[str, str | None]]:
    return TEX_NUMBER.findall(tex)


def matrix_numbers(tex: str) -> list[tuple[str, str | None]]:
    """The numbers inside every bmatrix of a formula, in reading order."""
    bodies = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", tex, flags=re.S)
    return [number for body in bodies for number in tex_numbers(body)]


def tex_annotations(element: Tag) -> list[str]:
    return [a.get_text() for a in element.find_all("annotation", attrs={"encoding": "application/x-tex"})]


#: Fewer numbers than these checked means the checks no longer see the pages' formulas and tables.
MIN_FORMULA_NUMBERS, MIN_TABLE_NUMBERS, MIN_CLAIMS = 51, 21, 5


def formulas_show_the_values_at_their_precision(site: Site) -> list[str]:
    """Every number in a value's formula (KaTeX's TeX annotation) is the value at the precision shown."""
    problems = []
    checked = 0
    for page, element in site.elements:
        name = attribute(element, "data-nnla-name")
        value = site.published[name]
        if "data-nnla-claim" in element.attrs or isinstance(value, dict) or "nnla-table" in element["class"]:
            continue
        if element.name == "figure":
            continue
        texs = tex_annotations(element)
        if not texs:
            problems.append(f"{name} on {page} has no formula")
            continue
        if isinstance(value, float | int):
            numbers = tex_numbers(texs[0])
            if len(texs) != 1 or len(numbers) != 1 or not TEX_NUMBER.fullmatch(texs[0].strip()):
                problems.append(f"{name} on {page}: a scalar must be one number, not {texs!r}")
                continue
        else:
            numbers = [number for tex in texs for number in matrix_numbers(tex)]
        flat = np.ravel(value)
        if len(numbers) != flat.size:
            problems.append(f"{name} on {page}: {len(numbers)} numbers shown for {flat.size} values")
            continue
        for (text, exponent), v in zip(numbers, flat, strict=True):
            if not shown_precision_holds(text, exponent or None, float(v)):
                problems.append(f"{name} on {page}: shows {text} for {v!r}")
            elif not grouped_as_the_site_writes(text):
                problems.append(f"{name} on {page}: shows {text}, not grouped in threes as the site writes numbers")
            checked += 1
    if checked < MIN_FORMULA_NUMBERS:
        problems.append(f"only {checked} numbers in formulas were checked")
    return problems


def tables_show_the_values_at_their_precision(site: Site) -> list[str]:
    """Every cell of a trace or table is the value at the precision shown."""
    problems = []
    checked = 0
    for page, element in site.elements:
        if "nnla-table" not in element["class"]:
            continue
        name = attribute(element, "data-nnla-name")
        value = json.loads(attribute(element, "data-nnla-value"))
        rows = value["losses"] if isinstance(value, dict) else value
        tbody = element.find("tbody")
        assert isinstance(tbody, Tag), f"{name} on {page}: the table has no <tbody>"
        for row in tbody.find_all("tr"):
            if "nnla-elided" in (row.get("class") or []):
                continue
            cells = [td.get_text() for td in row.find_all("td")]
            step = int(cells[0])
            expected = [rows[step]] if isinstance(value, dict) else rows[step][1:]
            if len(cells) - 1 != len(expected):
                problems.append(f"{name} on {page}: step {step} shows {len(cells) - 1} cells, not {len(expected)}")
                continue
            for text, v in zip(cells[1:], expected, strict=True):
                match = HTML_NUMBER.match(text.replace("\u2212", "-"))
                if not match:
                    problems.append(f"{name} on {page}: cannot read {text!r}")
                elif not shown_precision_holds(match.group(1), match.group(2), v):
                    problems.append(f"{name} on {page}: step {step} shows {text} for {v!r}")
                elif not grouped_as_the_site_writes(match.group(1)):
                    problems.append(f"{name} on {page}: step {step} shows {text}, not grouped in threes")
                checked += 1
    if checked < MIN_TABLE_NUMBERS:
        problems.append(f"only {checked} numbers in tables were checked")
    return problems


def claims_hold_at_their_written_precision(site: Site) -> list[str]:
    """Every number written in prose as a claim is its value at the precision written."""
    problems = []
    claims = 0
    for page, element in site.elements:
        claim = element.get("data-nnla-claim")
        if claim is None:
            continue
        assert isinstance(claim, str), f"data-nnla-claim on {page} is multi-valued: {claim!r}"
        name = attribute(element, "data-nnla-name")
        value = json.loads(attribute(element, "data-nnla-value"))
        # Typeset as every computed number is: a formula, its whole parts grouped in threes from five digits on.
        texs = tex_annotations(element)
        numbers = claim.lstrip("-").replace("_", "").split("/")
        expected = ("-" if claim.startswith("-") else "") + "/".join(site_style_tex(n) for n in numbers)
        if texs != [expected]:
            problems.append(f"{page}: the claim {name} = {claim} is shown as {texs!r}, not as {expected!r}")
        if "/" in claim:
            numerator, denominator = claim.split("/")
            holds = value == pytest.approx(int(numerator) / int(denominator), rel=1e-9)
        else:
            holds = shown_precision_holds(claim.replace("_", ""), None, value)
        if not holds:
            problems.append(f"{page}: the prose claims {name} = {claim}, but the value is {value!r}")
        claims += 1
    if claims < MIN_CLAIMS:
        problems.append(f"only {claims} claims were checked")
    return problems


#: The essay's pages, whose every number must be computed, claimed, or allowed below.
PROSE_PAGES = ["part-1/index.html", "part-2/index.html"]
#: Numbers the essay may write by hand because they are not results: each pattern, matched against the page's
#: text (computed values, claims, math and code taken out, spaces collapsed), allows every number inside its
#: match. Keep the patterns tight (no wildcard across a number) and say why each is here.
PROSE_ALLOWED = {
    r"\b(?:Correction|Note|[Ee]rratum) \d+\b": "the numbers of the corrections, and references to them",
    r"\b1×[nmz]\b": "a shape: one row of n or z entries",
    r"\b(?:from|numbered) [01] to\b": "where a sum starts (Correction 8 is about it)",
    r"\bis 1 when\b[^\d.]*\band 0 otherwise\b": "the definition of the Kronecker delta",
    r"\b(?:would be|are|not) 0\b": "a derivative that vanishes, as a fact of calculus",
    r"\bIf is [456],": "the arguments of f(w) = w² (its values are square_at_4 … square_at_6)",
    r"\bby 2 times\b": "the essay's own words for the 2 of 2w",
    r"\b3-D\b": "the number of axes of the Jacobian tensor",
    r"\bbetween 0 and\b": "the lower end of the stable range of steps",
}
#: The same for the pages' own formulas (not the computed ones), outside subscripts and superscripts, for any
#: number with a decimal point or greater than 2 (0, 1 and 2 are the constants of the formulas themselves).
TEX_ALLOWED = {
    r"\bw = 4\b": "the argument of f(w) = w² where the essay takes its slope",
    r"\bf\([456]\)": "the arguments of f(w) = w² (its values are square_at_4 … square_at_6)",
}
#: Elements whose text is not prose: computed values and claims, math, code, figures, footnote marks, and the page's
#: facts at its foot (its last-updated date, from git: tests/test_publishing.py checks it against git's own).
NOT_PROSE = "[data-nnla-name], .katex, code, pre, svg, script, style, .headerlink, sup[id^=fnref], .md-source-file"
_PROSE_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_TEX_SCRIPT = re.compile(r"[_^](?:\{[^{}]*\}|\\?\w)")


def article_of(site: Site, page: str) -> LexborNode | None:
    """A page's article, parsed afresh (by Lexbor, as a browser parses it) for a check that takes parts out of it:
    the site's own parse (`Site.soups`) stays whole, and Lexbor reads a page of KaTeX in milliseconds."""
    return LexborHTMLParser(site.page(page)).css_first("article")


def without(element: LexborNode, selector: str) -> None:
    """Take every element matching `selector` out of `element`, with its content. The matches come in document
    order, each after its ancestors: taken out from the last, none is touched after an ancestor has gone."""
    for match in reversed(element.css(selector)):
        match.decompose()


def _unaccounted(text: str, allowed: dict[str, str], counts: Callable[[str], bool]) -> list[tuple[str, str]]:
    """The numbers in `text` that no allowed pattern covers, each with its context."""
    covered = [m.span() for pattern in allowed for m in re.finditer(pattern, text)]
    return [
        (m.group(), text[max(0, m.start() - 40) : m.end() + 30])
        for m in _PROSE_NUMBER.finditer(text)
        if counts(m.group()) and not any(start <= m.start() and m.end() <= end for start, end in covered)
    ]


def unaccounted_numbers(site: Site, page: str, prose_allowed: dict[str, str], tex_allowed: dict[str, str]) -> list[str]:
    """Every number in a page's prose and formulas that is neither computed, nor a checked claim, nor allowed.

    Args:
        site: the built site.
        page: the page, as ``part-1/index.html``.
        prose_allowed: patterns whose numbers the prose may write by hand, each with why.
        tex_allowed: the same for the page's formulas, outside subscripts and superscripts (0, 1 and 2 always are).
    """
    if page not in site.soups:
        return [f"{page} is missing"]
    article = article_of(site, page)
    if article is None:
        return [f"{page} has no article"]
    without(article, "[data-nnla-name]")
    texs = [a.text(deep=True) for a in article.css('annotation[encoding="application/x-tex"]')]
    without(article, NOT_PROSE)
    prose = " ".join(article.text(deep=True, separator=" ").split())
    problems = [
        f"{page}: {number} in the prose (…{context}…) is not computed, claimed or allowed"
        for number, context in _unaccounted(prose, prose_allowed, lambda n: True)
    ]
    for tex in texs:
        outside = " ".join(_TEX_SCRIPT.sub(" ", tex).split())
        problems += [
            f"{page}: {number} in a formula (…{context}…) is not computed, claimed or allowed"
            for number, context in _unaccounted(outside, tex_allowed, lambda n: "." in n or int(n) > 2)
        ]
    return problems


def numbers_in_prose_are_accounted_for(site: Site) -> list[str]:
    """Every number in the essay's prose and formulas is computed, a checked claim, or on the allow-lists."""
    return [problem for page in PROSE_PAGES for problem in unaccounted_numbers(site, page, PROSE_ALLOWED, TEX_ALLOWED)]


def every_page_is_built(site: Site) -> list[str]:
    """The essay's pages are there, each with its article."""
    problems = []
    for page in PAGES:
        if page not in site.soups or not site.soups[page].find("article"):
            problems.append(f"{page} is missing or has no article")
    return problems


def the_build_prints_no_warning(site: Site) -> list[str]:
    """MkDocs printed no WARNING (strict mode would have failed, but say so here too)."""
    return [f"the build printed a warning:\n{site.output}"] if "WARNING" in site.output else []


#: Every check, by name, in the order `check_site` runs them.
CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (
        every_copy_of_a_value_agrees,
        every_value_is_recomputed,
        values_match_recomputation,
        traces_rerun_from_their_published_inputs,
        traces_behave_as_the_pages_say,
        batch_inputs_are_what_the_pages_say,
        values_json_agrees_with_the_pages,
        no_marker_or_token_is_left,
        formulas_show_the_values_at_their_precision,
        tables_show_the_values_at_their_precision,
        claims_hold_at_their_written_precision,
        numbers_in_prose_are_accounted_for,
        every_page_is_built,
        the_build_prints_no_warning,
    )
}


def run_checks(checks: dict[str, Check], site: Site, prefix: str = "") -> list[str]:
    """Run each check on a read site; each problem is prefixed with `prefix` and the check's name.

    A check that crashes on a broken site has found a problem: it is reported as one, and the others run.
    """
    problems: list[str] = []
    for name, check in checks.items():
        try:
            found = check(site)
        except Exception as error:
            found = [f"could not run: {type(error).__name__}: {error}"]
        problems.extend(f"{prefix}{name}: {problem}" for problem in found)
    return problems


def check_site(site_dir: Path, output: str = "", like: Site | None = None) -> list[str]:
    """Run every check on a built site; each problem is prefixed with the check that found it.

    A check that cannot run at all (say, a value it needs is missing) is itself a problem. ``like``: as for
    `read_site`, a reading whose parses are shared by the pages that are the same.
    """
    site = read_site(site_dir, output, like)
    problems = run_checks(CHECKS, site)
    problems.extend(doccheck_network.check(site))
    problems.extend(doccheck_derivations.check(site))
    problems.extend(doccheck_explorers.check(site))
    return problems
