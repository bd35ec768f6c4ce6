// The city dashboard: refresh every few seconds from /api/v1/city/offices; sortable columns.
"use strict";
(function () {
  const table = document.getElementById("offices");
  if (!table) return;
  const words = table.dataset;
  let offices = null;
  let sortKey = "name";
  let ascending = true;

  function minutes(seconds) {
    return seconds === null || seconds === undefined
      ? words.none : words.minutes.replace("{value}", String(Math.round(seconds / 60)));
  }
  function clock(iso, offsetSeconds) {
    const moment = new Date(Date.parse(iso) + offsetSeconds * 1000);
    const pad = (value) => String(value).padStart(2, "0");
    return pad(moment.getUTCHours()) + "." + pad(moment.getUTCMinutes());
  }
  function value(office, key) {
    switch (key) {
      case "name": return office.name.toLocaleLowerCase();
      case "waiting": case "issued": case "served": return office.today[key];
      case "mean_wait": return office.wait_s.mean;
      case "last_seen": return office.last_seen || "";
      default: return office[key];
    }
  }
  function cell(row, name, text) {
    const td = document.createElement("td");
    td.className = name;
    td.textContent = text;
    row.appendChild(td);
    return td;
  }
  function render() {
    if (offices === null) return;
    const sorted = offices.slice().sort((left, right) => {
      const a = value(left, sortKey), b = value(right, sortKey);
      if (a === b) return 0;
      if (a === null || a === undefined) return 1;  // no figure: always last
      if (b === null || b === undefined) return -1;
      return (a < b ? -1 : 1) * (ascending ? 1 : -1);
    });
    const body = document.createElement("tbody");
    for (const office of sorted) {
      const row = document.createElement("tr");
      row.dataset.office = String(office.id);
      row.className = (office.stale ? "stale" : "") + (office.conflict ? " conflict" : "");
      const name = cell(row, "name", "");
      const anchor = document.createElement("a");
      anchor.href = "/offices/" + office.id;
      anchor.textContent = office.name;
      name.appendChild(anchor);
      cell(row, "waiting", String(office.today.waiting));
      cell(row, "longest_wait", minutes(office.longest_wait_s));
      cell(row, "counters_open", String(office.counters_open));
      cell(row, "issued", String(office.today.issued));
      cell(row, "served", String(office.today.served));
      cell(row, "mean_wait", minutes(office.wait_s.mean));
      cell(row, "within_standard", office.within_standard === null
        ? words.none : Math.round(office.within_standard * 100) + "%");
      cell(row, "ikm_month", office.ikm_month === null ? words.none : office.ikm_month.toFixed(2));
      let link = words.never;
      if (office.last_seen) {
        link = office.stale
          ? words.seenAt.replace("{time}", clock(office.last_seen, office.utc_offset_s || 0))
          : words.live;
      }
      const td = cell(row, "link", link);
      if (office.conflict) {
        td.appendChild(document.createElement("br"));
        const strong = document.createElement("strong");
        strong.className = "warning";
        const said = office.conflict.older_record ? words.conflictOld : words.conflict;
        strong.textContent = said.replace("{name}", office.name);
        td.appendChild(strong);
      }
      if (office.clock_skew_s !== null && Math.abs(office.clock_skew_s) > 300) {
        td.appendChild(document.createElement("br"));
        const span = document.createElement("span");
        span.className = "warning";
        span.textContent = words.skew.replace("{minutes}", String(Math.round(Math.abs(office.clock_skew_s) / 60)));
        td.appendChild(span);
      }
      body.appendChild(row);
    }
    table.replaceChild(body, table.tBodies[0]);
  }
  async function refresh() {
    try {
      const answer = await fetch("/api/v1/city/offices", { credentials: "same-origin" });
      if (answer.ok) {
        offices = (await answer.json()).offices;
        render();
      }
    } catch (error) {
      // the central is restarting: the next poll tries again
    }
  }
  for (const header of table.tHead.rows[0].cells) {
    header.querySelector("button").addEventListener("click", () => {
      const key = header.dataset.key;
      ascending = sortKey === key ? !ascending : header.dataset.type === "text";
      sortKey = key;
      for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      if (offices === null) refresh(); else render();
    });
  }
  refresh();
  setInterval(refresh, Number(words.pollMs) || 5000);
})();
