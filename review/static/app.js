// channelscope review: keyboard shortcuts and the partner search.
// Everything works without it (forms post, the server redirects).
"use strict";
(function () {
  const items = () => Array.from(document.querySelectorAll("article.item"));
  let current = null;

  function focusItem(el) {
    if (!el) return;
    if (current) current.classList.remove("current");
    current = el;
    el.classList.add("current");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    const list = items();
    if (!list.length) return;
    const i = list.indexOf(current);
    focusItem(list[Math.min(list.length - 1, Math.max(0, i + step))]);
  }

  // Partner search for unknown resellers: results from /api/partners;
  // clicking one fills partner_id and submits the form.
  function search(input) {
    const form = input.closest("form");
    const list = form.querySelector(".results");
    let timer = null, seq = 0;
    // Enter picks the first result rather than posting the typed words
    input.addEventListener("keydown", (e) => {
      const first = list.querySelector("button.result");
      if (e.key === "Enter" && first) { e.preventDefault(); first.click(); }
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { list.replaceChildren(); return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        const res = await fetch("/api/partners?q=" + encodeURIComponent(q), { credentials: "same-origin" });
        if (!res.ok || mine !== seq) return;
        const partners = await res.json();
        list.replaceChildren(...partners.map((p) => {
          const li = document.createElement("li");
          const b = document.createElement("button");
          b.type = "button";
          b.className = "result";
          b.dataset.partnerId = p.partner_id;
          // textContent: names are shown as text, never as markup
          b.textContent = p.partner_id + " · " + p.legal_name + (p.trade_name ? " (" + p.trade_name + ")" : "") +
            " · " + [p.postcode, p.city].filter(Boolean).join(" ") + (p.siren ? " · " + p.siren : "");
          b.addEventListener("click", () => { input.value = p.partner_id; form.requestSubmit(); });
          li.append(b);
          return li;
        }));
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input.partner-search").forEach(search);
    // the item's note goes with whichever decision is posted
    document.querySelectorAll("article.item form").forEach((f) => f.addEventListener("submit", () => {
      const note = f.closest("article.item").querySelector("input.note");
      const copy = f.querySelector("input.note-copy");
      if (note && copy) copy.value = note.value;
    }));
    items().forEach((el) => el.addEventListener("focusin", () => { if (current !== el) { if (current) current.classList.remove("current"); current = el; el.classList.add("current"); } }));
    document.querySelectorAll("a.skip").forEach((a) => a.addEventListener("click", (e) => {
      e.preventDefault();
      focusItem(a.closest("article.item")); move(1);
    }));
    // A rerun in progress: show its step, reload when it is over.
    const banner = document.getElementById("rerun");
    if (banner) {
      const step = document.getElementById("rerun-step");
      const poll = async () => {
        const res = await fetch("/api/rerun", { credentials: "same-origin" }).catch(() => null);
        const st = res && res.ok ? await res.json() : null;
        if (st && !st.running) { location.reload(); return; }
        if (st) step.textContent = st.step;
        setTimeout(poll, 1000);
      };
      setTimeout(poll, 1000);
    }
    const target = location.hash && document.getElementById(location.hash.slice(1));
    focusItem(target && target.matches("article.item") ? target : items()[0]);
  });

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement) {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (!current) return;
    const act = (k) => current.querySelector('[data-key-action="' + k + '"]');
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "1": case "2": case "3": case "n": { const b = act(e.key); if (b) b.click(); break; }
      case "s": move(1); break;
      case "/": { const s = current.querySelector("input.partner-search"); if (s) { e.preventDefault(); s.focus(); } break; }
      default: return;
    }
  });
})();
