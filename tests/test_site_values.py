"""The built site as a doc-test: every number on every page is recomputed here and compared.

The recomputations below are written from the essay's formulas directly, in plain NumPy, from the inputs the
site publishes (its ``x``, ``W``, ``b``, ``t`` and batch arrays); none of them calls the nnla function that
produced the value. A value on a page without a recomputation here fails `test_every_value_is_recomputed`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from bs4 import BeautifulSoup, Tag
from conftest import BuiltSite

#: Pages built from Markdown (not the search index or the 404 page).
PAGES = ["index.html", "part-1/index.html", "part-2/index.html", "errata/index.html"]
#: float64 agreement between the site and an independent recomputation of the same formula.
RTOL, ATOL = 1e-9, 1e-12
#: The number grammar of nnla.latex.format_number, as TeX.
TEX_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)(?:\s*\\times\s*10\^\{(-?\d+)\})?")
#: The same numbers as HTML text in the trace tables: a real minus sign and a superscript exponent.
HTML_NUMBER = re.compile(r"^([−-]?\d+(?:\.\d+)?)(?:×10\^?([−-]?\d+))?$")

Published = dict[str, Any]


# ---------------------------------------------------------------------------------------------- reading the site


def elements(site: BuiltSite) -> Iterator[tuple[str, Tag]]:
    """Every element carrying a computed value, with its page."""
    for page in site.site_dir.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(attrs={"data-nnla-name": True}):
            yield str(page.relative_to(site.site_dir)), element


@pytest.fixture(scope="module")
def published(built_site: BuiltSite) -> Published:
    """name -> value, from the pages; every copy of a value on any page must agree."""
    found: Published = {}
    for page, element in elements(built_site):
        name = element["data-nnla-name"]
        value = json.loads(element["data-nnla-value"])
        if name in found:
            assert found[name] == value, f"{name} differs between two places ({page})"
        found[name] = value
    return found


@pytest.fixture(scope="module")
def values_json(built_site: BuiltSite) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(built_site.page("values.json"))
    return document


def array(published: Published, name: str) -> np.ndarray:
    return np.asarray(published[name], dtype=np.float64)


# ---------------------------------------------------------------------------------- independent recomputations


def descend(X: np.ndarray, W: np.ndarray, b: np.ndarray, T: np.ndarray, lr: float, steps: int, mean: bool):
    """Gradient descent written out step by step; stops before the first loss that is not finite."""
    m, z = T.shape
    scale = 1.0 / (m * z) if mean else 1.0
    losses = []
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
        "toy_lr_bound": lambda: 2.0 / 2.0,  # Z = w² + y² has Hessian 2I
        "square_at_4": lambda: 4.0**2,
        "square_at_5": lambda: 5.0**2,
        "square_at_6": lambda: 6.0**2,
        "square_diff": lambda: 5.0**2 - 4.0**2,
        "square_slope_at_4": lambda: 2 * 4.0,
        "unsquared_loss": lambda: float(np.mean(p["unsquared_e"])),
        "squared_mse": lambda: float(np.mean(np.square(p["unsquared_e"]))),
    }


#: Published inputs: chosen, not derived, so there is nothing to recompute; the tests check them otherwise.
INPUTS = {
    "x",
    "W",
    "b",
    "t",
    "lr",
    "batch_X",
    "batch_T",
    "batch_T_noisy",
    "batch_W0",
    "batch_b0",
    "batch_lr",
    "toy_start",
    "unsquared_e",
}


def test_every_value_is_recomputed(published: Published) -> None:
    """A value on a page that this file cannot recompute is a number nobody checks."""
    traces = {name for name in published if name.startswith("trace_") and isinstance(published[name], dict)}
    missing = set(published) - set(recompute(published)) - INPUTS - traces
    assert not missing, f"no recomputation for {sorted(missing)}"


def test_values_match_recomputation(published: Published) -> None:
    for name, again in recompute(published).items():
        assert name in published, f"{name} is not on any page"
        np.testing.assert_allclose(
            np.asarray(published[name], dtype=np.float64), again(), rtol=RTOL, atol=ATOL, err_msg=name
        )


def test_traces_rerun_from_their_published_inputs(published: Published) -> None:
    traces = {name: v for name, v in published.items() if isinstance(v, dict)}
    assert {"trace_literal", "trace_stable", "trace_boundary", "trace_batch", "trace_batch_noisy"} <= set(traces)
    for name, trace in traces.items():
        inputs = {role: array(published, source) for role, source in trace["inputs"].items()}
        losses, diverged = descend(
            inputs["X"],
            inputs["W"],
            inputs["b"],
            inputs["T"],
            trace["lr"],
            trace["steps"],
            mean=trace["reduction"] == "mean",
        )
        assert trace["diverged"] == diverged, name
        np.testing.assert_allclose(trace["losses"], losses, rtol=1e-7, atol=1e-12, err_msg=name)


def test_traces_behave_as_the_pages_say(published: Published) -> None:
    """The claims the essay's corrections rest on, asserted from the published traces."""
    lr_max = published["lr_max"]
    assert published["trace_literal"]["lr"] == 1.0
    assert published["trace_literal"]["diverged"]
    assert published["trace_stable"]["lr"] < lr_max
    assert published["trace_stable"]["losses"][-1] < 1e-20
    boundary = published["trace_boundary"]
    assert boundary["lr"] == pytest.approx(lr_max, rel=1e-12)
    np.testing.assert_allclose(boundary["losses"], boundary["losses"][0], rtol=1e-9)
    assert published["batch_lr"] < published["batch_lr_max"]
    assert published["trace_batch"]["losses"][-1] < 1e-20
    noisy = published["trace_batch_noisy"]["losses"]
    assert noisy[-1] == pytest.approx(published["batch_lstsq_mse"], rel=1e-9)
    assert min(noisy) >= published["batch_lstsq_mse"] * (1 - 1e-12)


def test_batch_inputs_are_what_the_pages_say(published: Published) -> None:
    X, T, Tn = array(published, "batch_X"), array(published, "batch_T"), array(published, "batch_T_noisy")
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    fit = np.linalg.lstsq(A, T, rcond=None)[0]
    np.testing.assert_allclose(A @ fit, T, atol=1e-10, err_msg="batch_T must be exactly linear in X")
    assert np.abs(Tn - T).max() > 0.05, "the noisy target must differ from the consistent one"
    assert not array(published, "batch_W0").any()
    assert not array(published, "batch_b0").any()


def test_values_json_agrees_with_the_pages(published: Published, values_json: dict[str, Any]) -> None:
    assert values_json["seed"] == 2023
    assert values_json["numpy"] == np.__version__
    document = values_json["values"]
    assert set(document) == set(published), "values.json and the pages name different values"
    for name, entry in document.items():
        assert entry["value"] == published[name], name
        assert entry["pages"], f"{name} is listed with no page"
        if isinstance(entry["value"], dict):
            assert entry["shape"] == [len(entry["value"]["losses"])], name
        else:
            assert entry["shape"] == list(np.shape(entry["value"])), name


def test_no_marker_or_token_is_left(built_site: BuiltSite) -> None:
    """A marker left as an HTML comment would be a value the reader never sees (shown in code, it is escaped)."""
    for page in built_site.site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<!--\s*nnla", text, flags=re.I), f"a marker is left in {page}"
        assert "NNLAVALUE" not in text, f"a token is left in {page}"


# ------------------------------------------------------------------------------ numbers as the reader sees them


def shown_precision_holds(text: str, exponent: str | None, value: float) -> bool:
    """Whether a number as displayed is the value at the displayed precision."""
    text = text.replace("−", "-")
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


def annotations(element: Tag) -> list[str]:
    return [a.get_text() for a in element.find_all("annotation", attrs={"encoding": "application/x-tex"})]


def test_formulas_show_the_values_at_their_precision(built_site: BuiltSite) -> None:
    checked = 0
    for page, element in elements(built_site):
        name = element["data-nnla-name"]
        value = json.loads(element["data-nnla-value"])
        if "data-nnla-claim" in element.attrs or isinstance(value, dict) or "nnla-table" in element["class"]:
            continue
        if element.name == "figure":
            continue
        texs = annotations(element)
        assert texs, f"{name} on {page} has no formula"
        if isinstance(value, float | int):
            assert len(texs) == 1, name
            numbers = tex_numbers(texs[0])
            assert TEX_NUMBER.fullmatch(texs[0].strip()), f"{name}: a scalar's formula is one number: {texs[0]!r}"
        else:
            numbers = [number for tex in texs for number in matrix_numbers(tex)]
        flat = np.ravel(value)
        assert len(numbers) == flat.size, f"{name} on {page}: {len(numbers)} numbers shown for {flat.size} values"
        for (text, exponent), v in zip(numbers, flat, strict=True):
            assert shown_precision_holds(text, exponent or None, float(v)), f"{name} on {page}: {text} vs {v}"
            checked += 1
    assert checked > 50


def test_tables_show_the_values_at_their_precision(built_site: BuiltSite) -> None:
    checked = 0
    for page, element in elements(built_site):
        if "nnla-table" not in element["class"]:
            continue
        value = json.loads(element["data-nnla-value"])
        rows = value["losses"] if isinstance(value, dict) else value
        for row in element.find("tbody").find_all("tr"):
            if "nnla-elided" in (row.get("class") or []):
                continue
            cells = [td.get_text() for td in row.find_all("td")]
            step = int(cells[0])
            expected = [rows[step]] if isinstance(value, dict) else rows[step][1:]
            for text, v in zip(cells[1:], expected, strict=True):
                match = HTML_NUMBER.match(text.replace("\u2212", "-"))
                assert match, f"{element['data-nnla-name']} on {page}: cannot read {text!r}"
                assert shown_precision_holds(match.group(1), match.group(2), v), f"{text} vs {v} on {page}"
                checked += 1
    assert checked > 20


def test_claims_hold_at_their_written_precision(built_site: BuiltSite) -> None:
    claims = 0
    for page, element in elements(built_site):
        claim = element.get("data-nnla-claim")
        if claim is None:
            continue
        value = json.loads(element["data-nnla-value"])
        shown = element.get_text().replace("\u2212", "-").replace("\u202f", "_")
        assert shown == claim, f"{page}: the claim is shown as {shown!r} but checked as {claim!r}"
        if "/" in claim:
            numerator, denominator = claim.split("/")
            assert value == pytest.approx(int(numerator) / int(denominator), rel=1e-9), claim
        else:
            assert shown_precision_holds(claim.replace("_", ""), None, value), f"{page}: {claim} vs {value}"
        claims += 1
    assert claims >= 5


def test_every_page_is_built(built_site: BuiltSite) -> None:
    for page in PAGES:
        soup = BeautifulSoup(built_site.page(page), "html.parser")
        assert soup.find("article"), page


def test_the_build_prints_no_warning(built_site: BuiltSite) -> None:
    assert "WARNING" not in built_site.output, built_site.output
