/*
 * The explorers: a slider over settings the build computed (hooks/nnla_site/markers/render.py writes them).
 *
 * Each .nnla-explorer carries its values (data-nnla-value, the same JSON as values.json) and, for each setting,
 * the readout's text as the build formatted it (data-nnla-shown): this script never formats a number. Without
 * it the page shows the default setting, and the slider stays hidden. Moving the slider puts the setting's text
 * in the readout (an aria-live region) and shows its figure: the learning-rate explorer swaps in the setting's
 * loss plot from its <template>; the training explorer recolours the cells of its surface with the figure's own
 * scale (data-midpoint, data-span, data-opacity, data-long-label on the <svg>, as hooks/nnla_site/svg/surface.py draws them).
 */
(() => {
  "use strict";

  const setUp = (explorer) => {
    const shown = JSON.parse(explorer.dataset.nnlaShown);
    const data = JSON.parse(explorer.dataset.nnlaValue);
    const controls = explorer.querySelector(".nnla-explorer-controls");
    const slider = controls.querySelector('input[type="range"]');
    const holder = explorer.querySelector(".nnla-explorer-figure");
    const figures = new Map([[data.default, holder.firstElementChild]]);
    for (const template of explorer.querySelectorAll("template[data-nnla-setting]")) {
      figures.set(Number(template.dataset.nnlaSetting), template);
    }

    const swap = (index) => {
      let figure = figures.get(index);
      if (figure instanceof HTMLTemplateElement) {
        figure = figure.content.firstElementChild;
        figures.set(index, figure);
      }
      if (figure && figure !== holder.firstElementChild) holder.replaceChildren(figure);
    };

    const recolour = (index) => {
      const svg = holder.querySelector("svg");
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
      if (data.control === "step") recolour(index);
      else swap(index);
    };

    slider.addEventListener("input", () => show(Number(slider.value)));
    controls.hidden = false;
    show(Number(slider.value));
  };

  document.querySelectorAll(".nnla-explorer").forEach(setUp);
})();
