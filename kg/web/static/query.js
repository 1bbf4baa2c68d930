// The query page: YASGUI (vendored, see vendor/yasgui/LICENSE) on this server's /sparql,
// with the project's prefixes and the named queries of /queries as tabs.
"use strict";

(function () {
  const data = (id) => JSON.parse(document.getElementById(id).textContent);
  const queries = data("named-queries");
  const prefixes = data("prefixes");
  const dataBase = data("data-base");
  // The page's Content-Security-Policy allows no other origin, so the endpoint is always ours.
  const endpoint = new URL("/sparql", window.location.href).href;
  const prefixLines = Object.entries(prefixes).map(([p, ns]) => `PREFIX ${p}: <${ns}>`);
  const starter = [
    ...prefixLines.filter((line) => /^PREFIX (dip|rdfs):/.test(line)),
    "",
    "SELECT ?event ?date ?headline WHERE {",
    "  ?event a dip:Event ; dip:date ?date ; rdfs:label ?headline .",
    "} ORDER BY DESC(?date) LIMIT 200",
  ].join("\n");

  // Completion from Linked Open Vocabularies would fetch from another site: keep the two
  // completers that work offline (the bundled prefix list, the query's own variables).
  Yasgui.Yasqe.defaults.autocompleters.splice(0, Infinity, "prefixes", "variables");

  // IRIs in result tables open this server's page of the IRI, not the IRI itself (most of
  // ours are w3id.org names that resolve elsewhere).
  function pageOf(iri) {
    if (iri.startsWith(dataBase) && iri.length > dataBase.length) {
      return "/id/" + iri.slice(dataBase.length).split("/").map(encodeURIComponent).join("/");
    }
    return "/resource?iri=" + encodeURIComponent(iri);
  }
  function compact(iri, known) {
    let best = null;
    for (const [p, ns] of Object.entries(known || {})) {
      if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [p, ns];
    }
    return best ? best[0] + ":" + iri.slice(best[1].length) : "<" + iri + ">";
  }
  Yasgui.Yasr.plugins.table.prototype.getUriLinkFromBinding = function (binding, known) {
    const a = document.createElement("a");
    a.className = "iri";
    a.href = pageOf(binding.value);
    a.title = binding.value;
    a.textContent = compact(binding.value, known);
    return a.outerHTML;
  };

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      // Graph answers in Turtle, which the table shows as subject, predicate, object.
      acceptHeaderGraph: "text/turtle",
    },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    yasqe: { value: starter },
    yasr: { prefixes: prefixes, defaultPlugin: "table" },
    tabName: "Query",
  });

  function pinEndpoint(tab) {
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  }
  // Tabs kept in the browser (or arriving by permalink) may name another server's endpoint.
  for (const id of Object.keys(yasgui._tabs)) pinEndpoint(yasgui.getTab(id));
  yasgui.on("tabChange", (_, tab) => pinEndpoint(tab));

  // The named queries: a picker that opens each in its own tab.
  const select = document.getElementById("example");
  const paramsBox = document.getElementById("params");
  const runNamed = document.getElementById("run-named");
  const description = document.getElementById("example-description");
  for (const query of queries) {
    const option = document.createElement("option");
    option.value = query.name;
    option.textContent = query.title;
    select.appendChild(option);
  }
  const selected = () => queries.find((q) => q.name === select.value) || null;
  function example(text) {
    const match = /e\.g\. "([^"]*)"/.exec(text || "");
    return match ? match[1] : "";
  }

  select.addEventListener("change", () => {
    const query = selected();
    paramsBox.replaceChildren();
    description.textContent = query ? query.description : "";
    runNamed.hidden = !query || query.params.length === 0;
    if (!query) return;
    const tab = yasgui.addTab(true, { name: query.title, yasqe: { value: query.query },
                                      requestConfig: { endpoint: endpoint } },
                              { avoidDuplicateTabs: true });
    pinEndpoint(tab || yasgui.getTab());
    for (const param of query.params) {
      const label = document.createElement("label");
      label.textContent = param.name + " ";
      const input = document.createElement("input");
      input.name = param.name;
      input.dataset.param = param.name;
      input.value = param.default !== null ? param.default : example(param.description);
      input.placeholder = param.description;
      input.title = param.description + " (" + param.type + ")";
      label.appendChild(input);
      paramsBox.appendChild(label);
    }
  });

  // Parameters are bound by the server (/queries/<name>), never pasted into the text.
  document.getElementById("examples").addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = selected();
    if (!query) return;
    const params = new URLSearchParams();
    for (const input of paramsBox.querySelectorAll("input")) params.set(input.dataset.param, input.value);
    const started = performance.now();
    const response = await fetch(query.url + "?" + params.toString(),
                                 { headers: { Accept: "application/sparql-results+json" } });
    const content = await response.text();
    const tab = yasgui.getTab();
    tab.getYasr().setResponse({
      ok: response.ok, status: response.status, statusText: response.statusText,
      headers: response.headers, type: response.type, content: content,
    }, Math.round(performance.now() - started));
  });
})();
