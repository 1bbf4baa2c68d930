// The query editor: examples from /queries, results as a table with IRIs as links.
"use strict";

const queries = JSON.parse(document.getElementById("named-queries").textContent);
const dataBase = JSON.parse(document.getElementById("data-base").textContent);
const select = document.getElementById("example");
const textarea = document.getElementById("query");
const paramsBox = document.getElementById("params");
const description = document.getElementById("example-description");
const statusLine = document.getElementById("status");
const errorBox = document.getElementById("error");
const results = document.getElementById("results");
const downloads = document.getElementById("downloads");
const downloadLinks = document.getElementById("download-links");

const PREFIXES = {
  "dip": "https://w3id.org/diplomacy-kg/ontology#",
  "id": dataBase,
  "graph": "https://w3id.org/diplomacy-kg/graph/",
  "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
  "owl": "http://www.w3.org/2002/07/owl#",
  "xsd": "http://www.w3.org/2001/XMLSchema#",
  "skos": "http://www.w3.org/2004/02/skos/core#",
  "prov": "http://www.w3.org/ns/prov#",
};

for (const query of queries) {
  const option = document.createElement("option");
  option.value = query.name;
  option.textContent = query.title;
  select.appendChild(option);
}

function selected() {
  return queries.find((q) => q.name === select.value) || null;
}

function example(text) {
  const match = /e\.g\. "([^"]*)"/.exec(text || "");
  return match ? match[1] : "";
}

select.addEventListener("change", () => {
  const query = selected();
  paramsBox.replaceChildren();
  description.textContent = query ? query.description : "";
  if (!query) return;
  textarea.value = query.query;
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

function compact(iri) {
  let best = null;
  for (const [prefix, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [prefix, ns];
  }
  if (best && /^[\w\-./]*$/.test(iri.slice(best[1].length))) return best[0] + ":" + iri.slice(best[1].length);
  return iri;
}

function pageOf(iri) {
  if (iri.startsWith(dataBase) && iri.length > dataBase.length) {
    return "/id/" + iri.slice(dataBase.length).split("/").map(encodeURIComponent).join("/");
  }
  return "/resource?iri=" + encodeURIComponent(iri);
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const a = document.createElement("a");
    a.href = pageOf(term.value);
    a.textContent = compact(term.value);
    a.title = term.value;
    td.appendChild(a);
  } else if (term.type === "bnode") {
    td.textContent = "_:" + term.value;
  } else {
    td.textContent = term.value;
    const note = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? " (" + compact(term.datatype) + ")" : "";
    if (note) {
      const small = document.createElement("small");
      small.textContent = note;
      td.appendChild(small);
    }
  }
  return td;
}

function table(data) {
  const vars = data.head.vars || [];
  const el = document.createElement("table");
  el.id = "results-table";
  const head = el.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = el.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const v of vars) row.appendChild(cell(binding[v]));
  }
  return el;
}

function requestFor(format) {
  // The same request as Run, as a URL: for the download links.
  const query = selected();
  if (query && textarea.value === query.query) {
    const params = new URLSearchParams();
    for (const input of paramsBox.querySelectorAll("input")) params.set(input.dataset.param, input.value);
    if (format) { params.set("format", format); params.set("download", "1"); }
    return query.url + "?" + params.toString();
  }
  const params = new URLSearchParams({ query: textarea.value });
  if (format) { params.set("format", format); params.set("download", "1"); }
  return "/sparql?" + params.toString();
}

function showDownloads(graph) {
  const formats = graph ? [["turtle", "Turtle"], ["ntriples", "N-Triples"], ["json-ld", "JSON-LD"], ["rdf-xml", "RDF/XML"]]
    : [["json", "JSON"], ["csv", "CSV"], ["tsv", "TSV"], ["xml", "XML"]];
  downloadLinks.replaceChildren();
  for (const [format, name] of formats) {
    const a = document.createElement("a");
    a.href = requestFor(format);
    a.textContent = name;
    a.className = "download";
    downloadLinks.appendChild(a);
  }
  downloads.hidden = false;
}

document.getElementById("query-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  results.replaceChildren();
  downloads.hidden = true;
  statusLine.textContent = "running…";
  const started = performance.now();
  const accept = "application/sparql-results+json, text/turtle;q=0.9";
  const query = selected();
  let response;
  try {
    if (query && textarea.value === query.query) {
      response = await fetch(requestFor(null), { headers: { Accept: accept } });
    } else {
      response = await fetch("/sparql", {
        method: "POST",
        headers: { Accept: accept, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: textarea.value }),
      });
    }
  } catch (error) {
    statusLine.textContent = "";
    errorBox.textContent = "The server did not answer: " + error;
    errorBox.hidden = false;
    return;
  }
  const ms = Math.round(performance.now() - started);
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    statusLine.textContent = "";
    errorBox.textContent = response.status + " " + response.statusText + ": " + (await response.text());
    errorBox.hidden = false;
    return;
  }
  const truncated = response.headers.get("X-Result-Truncated");
  if (type.startsWith("application/sparql-results+json")) {
    const data = await response.json();
    if ("boolean" in data) {
      const p = document.createElement("p");
      p.id = "boolean";
      p.textContent = String(data.boolean);
      results.appendChild(p);
      statusLine.textContent = `answer in ${ms} ms`;
    } else {
      results.appendChild(table(data));
      const n = data.results.bindings.length;
      statusLine.textContent = `${n} row${n === 1 ? "" : "s"} in ${ms} ms` + (truncated ? ` — cut at ${truncated}` : "");
      showDownloads(false);
    }
  } else {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    results.appendChild(pre);
    statusLine.textContent = `graph in ${ms} ms` + (truncated ? ` — cut at ${truncated}` : "");
    showDownloads(true);
  }
});
