/*
 * The explorers: a slider over settings the build computed (hooks/nnla_essay/explorer_html.py writes them).
 *
 * Each .nnla-explorer carries, for each setting, the readout's text as the build formatted it (data-nnla-shown):
 * this script never formats or computes a number. Without it the page shows the default setting, and the slider
 * stays hidden. Moving the slider puts the setting's text in the readout (an aria-live region) and changes the
 * figure in place. The learning-rate explorer's figure carries each setting's curve (data-nnla-curves on its
 * <figure>, as hooks/nnla_essay/figures.py writes them): its polyline's points, class and data-n, the series'
 * label, and the figure's <desc>. The training explorer (hooks/nnla_essay/training_explorer.py) has two choices, a
 * step and a seed, which pick a run, and a slider over its snapshots: the run's curve is swapped as the learning
 * rate's is, a dot is put where the build says the curve is at the snapshot's step, and the surface's cells take
 * the labels, sides and fill opacities the build wrote for the snapshot.
 */
(() => {
  "use strict";

  // Swap the curve a plot draws for one the build drew for another setting: its polyline's points, class and
  // data-n, its series' data-n and label, and the plot's <desc>.
  const drawCurve = (plot, curve) => {
    const line = plot.querySelector("polyline.nnla-line");
    line.setAttribute("points", curve.points);
    line.setAttribute("class", curve.class);
    line.dataset.n = curve.n;
    const series = line.closest(".nnla-series");
    series.dataset.n = curve.n;
    series.dataset.label = curve.label;
    plot.querySelector("desc").textContent = curve.desc;
  };

  // Put a setting's texts (as the build formatted them) in the explorer's readouts, and its spoken value on the slider.
  const showTexts = (explorer, slider, text) => {
    for (const output of explorer.querySelectorAll("output[data-nnla-show]")) {
      output.textContent = text[output.dataset.nnlaShow];
    }
    slider.setAttribute("aria-valuetext", text.valuetext);
  };

  // The training explorer: a run chosen by its step and its seed, a snapshot of it by the slider.
  const setUpTraining = (explorer) => {
    const runs = JSON.parse(explorer.dataset.nnlaShown);
    const controls = explorer.querySelector(".nnla-explorer-controls");
    const slider = controls.querySelector('input[type="range"]');
    const [chooseLr, chooseSeed] = ["lr", "seed"].map((key) => controls.querySelector(`select[data-nnla-choose="${key}"]`));
    const seeds = chooseSeed.options.length;
    const lossFigure = explorer.querySelector(".nnla-explorer-loss");
    const curves = JSON.parse(lossFigure.dataset.nnlaCurves);
    const plot = lossFigure.querySelector("svg.nnla-settings-plot");
    const dot = lossFigure.querySelector("svg.nnla-now circle");
    const surface = explorer.querySelector(".nnla-explorer-figure svg");

    const recolour = (snapshot) => {
      const labels = snapshot.cells.split(" ");
      const fills = snapshot.fills.split(" ");
      surface.querySelectorAll("g.nnla-cell").forEach((cell, i) => {
        const high = snapshot.sides[i] === "h";
        cell.classList.toggle("nnla-high", high);
        cell.classList.toggle("nnla-low", !high);
        delete cell.dataset.value; // the page carries the label, not the value (values.json has it)
        cell.querySelector("rect").setAttribute("fill-opacity", fills[i]);
        const label = cell.querySelector("text");
        label.textContent = labels[i];
        label.classList.toggle("nnla-long", labels[i].length >= Number(surface.dataset.longLabel));
      });
      surface.querySelector("title").textContent = snapshot.title;
      surface.querySelector("desc").textContent = snapshot.desc;
    };

    let drawn = -1;
    const show = () => {
      const run = Number(chooseLr.value) * seeds + Number(chooseSeed.value);
      const index = Number(slider.value);
      const snapshot = runs[run].snapshots[index];
      showTexts(explorer, slider, { ...snapshot, lr: runs[run].lr, seed: runs[run].seed });
      explorer.dataset.nnlaSetting = `${run},${index}`;
      if (run !== drawn) drawCurve(plot, curves[run]);
      drawn = run;
      const [cx, cy] = curves[run].marks[index].split(",");
      dot.setAttribute("cx", cx);
      dot.setAttribute("cy", cy);
      recolour(snapshot);
    };

    for (const control of [slider, chooseLr, chooseSeed]) control.addEventListener("input", show);
    controls.hidden = false;
    show();
  };

  const setUp = (explorer) => {
    if (explorer.dataset.nnlaControl === "training") {
      setUpTraining(explorer);
      return;
    }
    const shown = JSON.parse(explorer.dataset.nnlaShown);
    const controls = explorer.querySelector(".nnla-explorer-controls");
    const slider = controls.querySelector('input[type="range"]');
    const holder = explorer.querySelector(".nnla-explorer-figure");
    const svg = holder.querySelector("svg");
    const curves = JSON.parse(holder.dataset.nnlaCurves);

    const show = (index) => {
      showTexts(explorer, slider, shown[index]);
      explorer.dataset.nnlaSetting = String(index);
      drawCurve(svg, curves[index]);
    };

    slider.addEventListener("input", () => show(Number(slider.value)));
    controls.hidden = false;
    show(Number(slider.value));
  };

  document.querySelectorAll(".nnla-explorer").forEach(setUp);
})();
