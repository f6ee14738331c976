/*
 * The explorers: a slider over settings the build computed (hooks/nnla_essay/explorer_html.py writes them).
 *
 * Each .nnla-explorer carries, for each setting, the readout's text as the build formatted it (data-nnla-shown):
 * this script never formats or computes a number. Without it the page shows the default setting, and the slider
 * stays hidden. Moving the slider puts the setting's text in the readout (an aria-live region) and changes the
 * figure in place. The learning-rate explorer's figure carries each setting's curve (data-nnla-curves on its
 * <figure>, as hooks/nnla_essay/figures.py writes them): its polyline's points, class and data-n, the series'
 * label, and the figure's <desc>. The training explorer recolours the cells of its surface from its values
 * (data-nnla-value) with the figure's own scale (data-midpoint, data-span, data-opacity, data-long-label on the
 * <svg>, as proven-numbers/src/proven_numbers/svg/surface.py draws them).
 */
(() => {
  "use strict";

  const setUp = (explorer) => {
    const shown = JSON.parse(explorer.dataset.nnlaShown);
    const controls = explorer.querySelector(".nnla-explorer-controls");
    const slider = controls.querySelector('input[type="range"]');
    const holder = explorer.querySelector(".nnla-explorer-figure");
    const svg = holder.querySelector("svg");
    const step = explorer.dataset.nnlaControl === "step";
    const curves = step ? null : JSON.parse(holder.dataset.nnlaCurves);
    const data = step ? JSON.parse(explorer.dataset.nnlaValue) : null;

    const redraw = (index) => {
      const curve = curves[index];
      const line = svg.querySelector("polyline.nnla-line");
      line.setAttribute("points", curve.points);
      line.setAttribute("class", curve.class);
      line.dataset.n = curve.n;
      const series = line.closest(".nnla-series");
      series.dataset.n = curve.n;
      series.dataset.label = curve.label;
      svg.querySelector("desc").textContent = curve.desc;
    };

    const recolour = (index) => {
      const [base, gain] = svg.dataset.opacity.split(" ").map(Number);
      const midpoint = Number(svg.dataset.midpoint);
      const span = Number(svg.dataset.span);
      const long = Number(svg.dataset.longLabel);
      const surface = data.surface[index];
      const labels = JSON.parse(shown[index].cells);
      for (const cell of svg.querySelectorAll("g.nnla-cell")) {
        const [r, c] = cell.dataset.index.split(",").map((n) => Number(n) - 1);
        const value = surface[r][c];
        cell.classList.toggle("nnla-high", value >= midpoint);
        cell.classList.toggle("nnla-low", value < midpoint);
        cell.dataset.value = String(value);
        const opacity = base + gain * Math.min(1, Math.abs(value - midpoint) / span);
        cell.querySelector("rect").setAttribute("fill-opacity", opacity.toFixed(3));
        const label = cell.querySelector("text");
        label.textContent = labels[r][c];
        label.classList.toggle("nnla-long", labels[r][c].length >= long);
      }
      svg.querySelector("title").textContent = shown[index].title;
      svg.querySelector("desc").textContent = shown[index].desc;
    };

    const show = (index) => {
      const text = shown[index];
      for (const output of explorer.querySelectorAll("output[data-nnla-show]")) {
        output.textContent = text[output.dataset.nnlaShow];
      }
      slider.setAttribute("aria-valuetext", text.valuetext);
      explorer.dataset.nnlaSetting = String(index);
      if (step) recolour(index);
      else redraw(index);
    };

    slider.addEventListener("input", () => show(Number(slider.value)));
    controls.hidden = false;
    show(Number(slider.value));
  };

  document.querySelectorAll(".nnla-explorer").forEach(setUp);
})();
