// The explorer's pictures: each figure names its data (a named query's JSON at /queries/…)
// in data-src; this reads the rows and draws them with the vendored Vega-Lite and Cytoscape.js
// (see vendor/*/LICENSE). Nothing is fetched from another site: the page's CSP allows none.
"use strict";

(function () {
  const KIND_COLOURS = {
    person: "#1f77b4", state: "#2ca02c", organization: "#9467bd", post: "#8c564b",
    place: "#e377c2", type: "#7f7f7f", related: "#ff7f0e", "same event": "#d62728",
    participant: "#1f77b4", involved: "#2ca02c", event: "#ff7f0e",
  };

  // The rows of a SPARQL JSON answer, each a variable's value by name.
  async function rows(url) {
    const response = await fetch(url, { headers: { Accept: "application/sparql-results+json" } });
    if (!response.ok) throw new Error(url + ": " + response.status + " " + (await response.text()));
    const answer = await response.json();
    return answer.results.bindings.map((binding) => {
      const row = {};
      for (const [name, term] of Object.entries(binding)) row[name] = term.value;
      return row;
    });
  }

  function explorePage(iri, kind) {
    if (["person", "state", "organization", "participant", "involved"].includes(kind)) {
      return "/explore/actor?iri=" + encodeURIComponent(iri);
    }
    if (["related", "same event", "event"].includes(kind)) {
      return "/explore/event?iri=" + encodeURIComponent(iri);
    }
    return "/resource?iri=" + encodeURIComponent(iri);
  }

  function say(figure, text) {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = text;
    figure.replaceChildren(p);
  }

  async function timeline(figure) {
    const data = await rows(figure.dataset.src);
    if (!data.length) return say(figure, "No dated events.");
    const values = data.map((row) => ({ month: row.month + "-01", events: Number(row.events) }));
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      width: "container",
      height: 180,
      data: { values: values },
      mark: { type: "bar", color: "#1f77b4", tooltip: true, minBandSize: 4 },
      encoding: {
        x: { field: "month", type: "temporal", timeUnit: "yearmonth", title: "month",
             axis: { format: "%b %Y", labelAngle: -40, grid: false } },
        y: { field: "events", type: "quantitative", title: "events",
             axis: { tickMinStep: 1, format: "d" } },
      },
    };
    figure.replaceChildren();
    // Vega compiles its expressions with Function() unless given an interpreter; the page's
    // CSP forbids eval, so expressions are interpreted (vega-interpreter, ast: true).
    await vegaEmbed(figure, spec, {
      renderer: "svg", actions: false, defaultStyle: false, tooltip: false,
      ast: true, expr: vegaInterpreter.expressionInterpreter,
    });
    figure.dataset.rendered = "true";
  }

  function drawNetwork(figure, elements, layout) {
    figure.replaceChildren();
    const cy = cytoscape({
      container: figure,
      elements: elements,
      layout: layout,
      style: [
        { selector: "node", style: {
          label: "data(name)", "background-color": "data(colour)", color: "#222",
          "font-size": 11, "text-wrap": "ellipsis", "text-max-width": 160,
          "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18 } },
        { selector: "node.center", style: { width: 30, height: 30, "font-weight": "bold",
                                             "border-width": 3, "border-color": "#333" } },
        { selector: "edge", style: { width: "data(width)", "line-color": "#aab",
                                     "curve-style": "haystack", opacity: 0.8 } },
      ],
    });
    cy.on("tap", "node", (event) => {
      const node = event.target;
      if (!node.hasClass("center")) window.location.href = node.data("href");
    });
    figure.dataset.rendered = "true";
    return cy;
  }

  // A key to the colours, after the picture (colours set through the CSSOM, which the CSP
  // allows, not through style attributes, which it does not).
  function legend(figure, kinds) {
    const list = document.createElement("ul");
    list.className = "legend";
    for (const kind of kinds) {
      const item = document.createElement("li");
      const dot = document.createElement("span");
      dot.className = "dot";
      dot.style.backgroundColor = KIND_COLOURS[kind] || "#999";
      item.append(dot, kind);
      list.appendChild(item);
    }
    figure.insertAdjacentElement("afterend", list);
  }

  async function network(figure) {
    const data = await rows(figure.dataset.src);
    const center = figure.dataset.center;
    if (!data.length) return say(figure, "No co-participants.");
    const nodes = new Map();
    const most = Math.max(...data.map((row) => Number(row.events)));
    const edges = [];
    for (const row of data) {
      for (const end of ["source", "target"]) {
        const iri = row[end];
        if (!nodes.has(iri)) {
          const kind = row[end + "Kind"];
          nodes.set(iri, { data: { id: iri, name: row[end + "Name"], colour: KIND_COLOURS[kind] || "#999",
                                   href: explorePage(iri, kind) },
                           classes: iri === center ? "center" : "" });
        }
      }
      const weight = Number(row.events);
      edges.push({ data: { id: "e" + edges.length, source: row.source, target: row.target,
                           events: weight, width: 1 + 7 * (weight / most) } });
    }
    // The actor in the middle, the others on a ring around it, busiest first: the lines
    // between two of the ring are the events they share with each other.
    const layout = { name: "concentric", animate: false, minNodeSpacing: 50,
                     concentric: (node) => (node.hasClass("center") ? 2 : 1),
                     levelWidth: () => 1 };
    drawNetwork(figure, [...nodes.values(), ...edges], layout);
    legend(figure, [...new Set(data.flatMap((row) => [row.sourceKind, row.targetKind]))].sort());
  }

  async function eventNetwork(figure) {
    const data = await rows(figure.dataset.src);
    const center = figure.dataset.center;
    const elements = [{ data: { id: center, name: figure.dataset.centerName, colour: "#ff7f0e",
                                href: "" }, classes: "center" }];
    for (const row of data) {
      if (row.node === center) continue;
      const event = row.relation === "related" || row.relation === "same event";
      const words = row.name.length > 40 ? row.name.slice(0, 38) + "…" : row.name;
      const name = event ? (row.date ? row.date + ": " : "") + words : row.name;
      elements.push({ data: { id: row.relation + " " + row.node, name: name, title: row.name,
                              colour: KIND_COLOURS[row.relation] || "#999",
                              href: explorePage(row.node, row.relation) } });
      elements.push({ data: { id: "e " + row.relation + " " + row.node, source: center,
                              target: row.relation + " " + row.node, width: 2 } });
    }
    const layout = { name: "concentric", animate: false, minNodeSpacing: 60,
                     concentric: (node) => (node.hasClass("center") ? 2 : 1),
                     levelWidth: () => 1 };
    drawNetwork(figure, elements, layout);
    legend(figure, [...new Set(data.map((row) => row.relation))]);
  }

  const DRAW = { timeline: timeline, network: network, "event-network": eventNetwork };
  for (const figure of document.querySelectorAll("[data-chart]")) {
    const draw = DRAW[figure.dataset.chart];
    if (!draw) continue;
    draw(figure).catch((error) => {
      say(figure, "The picture could not be drawn: " + error.message);
      figure.dataset.rendered = "error";
    });
  }
})();
