// The validation page: sends the text to /validate (RDF) or /validate/document (input
// documents) and shows the JSON report as a table, each shape linked to its documentation.
"use strict";

(function () {
  const form = document.getElementById("validate-form");
  const select = document.getElementById("format");
  const fileInput = document.getElementById("file");
  const textarea = document.getElementById("document");
  const statusLine = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const verdict = document.getElementById("verdict");
  const table = document.getElementById("report");
  const limits = JSON.parse(document.getElementById("limits").textContent);
  let fileName = "";

  // The format a file name tells, as a value of the select; null if it tells nothing.
  const BY_EXTENSION = {
    ttl: "rdf:turtle", jsonld: "rdf:json-ld", rdf: "rdf:rdf-xml", owl: "rdf:rdf-xml",
    xml: "rdf:rdf-xml", nt: "rdf:ntriples", nq: "rdf:nquads", trig: "rdf:trig",
    md: "doc:", txt: "doc:", json: "doc:", html: "doc:",
  };
  function formatOf(name) {
    const ext = (name.split(".").pop() || "").toLowerCase();
    return BY_EXTENSION[ext] || null;
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    if (file.size > limits.body) {
      showError(`${file.name} is larger than the server accepts (${limits.body} bytes)`);
      return;
    }
    fileName = file.name;
    textarea.value = await file.text();
    const guessed = formatOf(file.name);
    if (guessed && select.value === "auto") select.value = guessed;
  });

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text || "";
    if (className) td.className = className;
    return td;
  }

  const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  // As kg validate shows terms: a prefixed name where one fits.
  function compact(iri) {
    let best = null;
    for (const [p, ns] of Object.entries(prefixes)) {
      if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [p, ns];
    }
    if (best && /^[\w\-./]*$/.test(iri.slice(best[1].length))) return best[0] + ":" + iri.slice(best[1].length);
    return "<" + iri + ">";
  }

  function term(t) {
    if (!t) return "";
    if (t.type === "uri") return compact(t.value);
    if (t.type === "bnode") return "_:" + t.value;
    return JSON.stringify(t.value) + (t["xml:lang"] ? "@" + t["xml:lang"] : "");
  }

  function show(report) {
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const r of report.results) {
      const row = body.insertRow();
      row.className = "result " + r.severity.toLowerCase();
      cell(row, r.severity, "severity " + r.severity.toLowerCase());
      cell(row, term(r.focusNode));
      cell(row, r.path);
      cell(row, term(r.value));
      cell(row, r.message);
      const td = row.insertCell();
      if (r.shape) {
        const a = document.createElement("a");
        a.href = "/ontology#" + encodeURIComponent(r.shape);
        a.textContent = r.shape;
        a.className = "shape";
        td.appendChild(a);
      }
    }
    const counts = Object.entries(report.counts).filter(([, n]) => n)
      .map(([s, n]) => `${n} ${s}${n === 1 ? "" : "s"}`).join(", ");
    verdict.textContent = (report.conforms ? "Conforms" : "Does not conform") + (counts ? ` (${counts})` : "");
    verdict.className = report.conforms ? "conforms" : "fails";
    verdict.hidden = false;
    table.hidden = report.results.length === 0;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    verdict.hidden = true;
    table.hidden = true;
    const text = textarea.value;
    if (!text.trim()) { showError("Paste a document or choose a file first."); return; }
    let choice = select.value === "auto" ? (formatOf(fileName) || "rdf:turtle") : select.value;
    let url, type;
    if (choice.startsWith("doc:")) {
      const params = new URLSearchParams({ name: fileName || "pasted-document" });
      if (choice.length > 4) params.set("format", choice.slice(4));
      url = "/validate/document?" + params.toString();
      type = "text/plain; charset=utf-8";
    } else {
      url = "/validate";
      type = select.querySelector(`option[value="${choice}"]`).dataset.media;
    }
    statusLine.textContent = "validating…";
    const started = performance.now();
    let response;
    try {
      response = await fetch(url, { method: "POST", body: text,
                                    headers: { "Content-Type": type, Accept: "application/json" } });
    } catch (error) {
      statusLine.textContent = "";
      showError("The server did not answer: " + error);
      return;
    }
    const ms = Math.round(performance.now() - started);
    statusLine.textContent = "";
    if (!response.ok) {
      showError(response.status + " " + response.statusText + ": " + (await response.text()));
      return;
    }
    show(await response.json());
    statusLine.textContent = `checked in ${ms} ms`;
  });
})();
