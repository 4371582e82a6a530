// Regelruimte: the little the page needs from JavaScript. Everything works without it;
// this only adds the copy and print buttons, moves focus to the list of problems (and from there to
// a field, with its label and message in view), and dates a printout on the day it is printed.
(function () {
  "use strict";

  function say(text) {
    var status = document.getElementById("kopie-status");
    if (status) { status.textContent = text; }
  }

  // The fallback for browsers without the clipboard API (or pages not served over https).
  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.textContent;
    var done = function () { say(button.getAttribute("data-copied")); };
    var failed = function () {
      if (copyBySelection(text)) { done(); return; }
      selectText(source);
      source.focus();
      say(button.getAttribute("data-failed"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) {
      el.hidden = false;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      button.addEventListener("click", function () { copy(button); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // A field folded away (the housemates, more income rows) opens when a link leads to it
    var unfold = function (target) {
      for (var el = target && target.parentElement; el; el = el.parentElement) {
        if (el.tagName === "DETAILS") { el.open = true; }
      }
    };
    if (window.location.hash.length > 1) {
      var there = document.getElementById(window.location.hash.slice(1));
      if (there) { unfold(there); there.scrollIntoView({ block: "start" }); }
    }
    var problems = document.getElementById("fouten");
    if (problems) {
      problems.focus();
      Array.prototype.forEach.call(problems.querySelectorAll('a[href^="#"]'), function (link) {
        link.addEventListener("click", function (event) {
          var target = document.getElementById(link.getAttribute("href").slice(1));
          if (!target) { return; }
          event.preventDefault();
          unfold(target);
          var field = target.closest(".field") || target;
          field.scrollIntoView({ block: "start" });  // label and message above the input, in view
          target.focus({ preventScroll: true });
        });
      });
    }
    // A what-if that runs: ask how far it is (without JavaScript the page refreshes itself instead)
    var poll = document.querySelector("[data-poll]");
    if (poll) {
      var ask = function () {
        fetch(poll.getAttribute("data-poll"), { headers: { Accept: "application/json" } })
          .then(function (answer) { return answer.json(); })
          .then(function (job) {
            if (job.state !== "waiting" && job.state !== "running") { window.location.reload(); return; }
            document.getElementById("voortgang").value = job.percent;
            poll.querySelector("[data-percent]").textContent = job.percent;
            poll.querySelector("[data-step]").textContent = job.step;
            window.setTimeout(ask, 1000);
          }, function () { window.setTimeout(ask, 3000); });
      };
      window.setTimeout(ask, 500);
    }
    window.addEventListener("beforeprint", function () {
      var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
      var today = new Date().toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
      Array.prototype.forEach.call(document.querySelectorAll("[data-today]"), function (el) {
        el.textContent = today;
      });
    });
  });
}());
