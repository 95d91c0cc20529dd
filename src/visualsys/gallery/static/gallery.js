/* visualsys gallery: filter the cards (index page); seek the video from chapter links (topic page).
   Plain JavaScript, no framework, no network. Without it every card shows and links still work. */
(function () {
  "use strict";

  // -- index: category, tag and text filters, kept in the URL hash (#category=..&tag=..&q=..)
  var form = document.getElementById("filters");
  if (form) {
    var q = form.elements.q, category = form.elements.category, tag = form.elements.tag;
    var cards = Array.from(document.querySelectorAll("#cards .card"));
    var count = document.getElementById("count"), empty = document.getElementById("empty");
    var apply = function () {
      var words = q.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      cards.forEach(function (card) {
        var ok = (!category.value || card.dataset.category === category.value) &&
          (!tag.value || card.dataset.tags.split("\n").indexOf(tag.value) >= 0) &&
          words.every(function (w) { return card.dataset.text.indexOf(w) >= 0; });
        card.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      count.textContent = shown + " of " + cards.length + " shown";
      empty.hidden = shown > 0 || cards.length === 0;
      document.querySelectorAll("#cards .tag").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.tag === tag.value));
      });
      var state = new URLSearchParams();
      [["category", category], ["tag", tag], ["q", q]].forEach(function (p) {
        if (p[1].value) state.set(p[0], p[1].value);
      });
      history.replaceState(null, "", state.toString() ? "#" + state : location.pathname + location.search);
    };
    var fromHash = function () {
      var state = new URLSearchParams(location.hash.slice(1));
      category.value = state.get("category") || "";
      tag.value = state.get("tag") || "";
      q.value = state.get("q") || "";
      apply();
    };
    q.addEventListener("input", apply);
    category.addEventListener("change", apply);
    tag.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    document.getElementById("clear-empty").addEventListener("click", function () { form.reset(); });
    document.getElementById("cards").addEventListener("click", function (e) {
      var b = e.target.closest(".tag");
      if (!b) return;
      tag.value = tag.value === b.dataset.tag ? "" : b.dataset.tag;
      apply();
    });
    window.addEventListener("hashchange", fromHash);
    form.hidden = false;
    fromHash();
  }

  // -- topic page: chapter and transcript links seek the video; #t=SECONDS deep-links
  var video = document.getElementById("player");
  if (video) {
    var chapters = Array.from(document.querySelectorAll(".chapters a.seek"));
    var seek = function (seconds) { if (isFinite(seconds)) video.currentTime = seconds; };
    document.querySelectorAll("a.seek").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        seek(parseFloat(a.dataset.start));
        history.replaceState(null, "", a.getAttribute("href"));
        var playing = video.play();
        if (playing) playing.catch(function () {});
      });
    });
    var m = /^#t=(\d+(?:\.\d+)?)$/.exec(location.hash);
    if (m) seek(parseFloat(m[1]));
    video.addEventListener("timeupdate", function () {
      var current = null;
      chapters.forEach(function (a) { if (parseFloat(a.dataset.start) <= video.currentTime + 0.05) current = a; });
      chapters.forEach(function (a) { a.setAttribute("aria-current", String(a === current)); });
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "c" || e.ctrlKey || e.metaKey || e.altKey || /INPUT|SELECT|TEXTAREA/.test(e.target.tagName)) return;
      var track = video.textTracks[0];
      if (track) track.mode = track.mode === "showing" ? "hidden" : "showing";
    });
  }
})();
