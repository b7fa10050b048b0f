// Large-type mode is a cookie so the server renders the page at the right size on the first paint.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle-large]");
  if (!t) return;
  var on = document.documentElement.classList.toggle("large-type");
  document.cookie = "large_type=" + (on ? "1" : "0") + ";path=/;max-age=31536000;SameSite=Lax";
});
document.body && document.body.addEventListener("htmx:configRequest", function (e) {
  var m = document.querySelector("meta[name=csrf-token]");
  if (m) e.detail.headers["X-CSRFToken"] = m.content;
});
// Behaviour the templates ask for with data- attributes, since the Content-Security-Policy
// allows no inline handlers: data-print prints, data-autosubmit on a select submits its form.
// Destructive buttons carry data-confirm: ask here, and tell the server it was asked (confirmed=1).
// Without JavaScript the server shows its own confirmation page instead (core/once.py).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var asker = (e.submitter && e.submitter.closest("[data-confirm]")) || form.closest("[data-confirm]");
  if (!asker) return;
  if (!window.confirm(asker.getAttribute("data-confirm"))) {
    e.preventDefault();
    return;
  }
  var flag = form.querySelector("input[name=confirmed]");
  if (!flag) {
    flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "confirmed";
    form.appendChild(flag);
  }
  flag.value = "1";
});
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", function (e) {
  var s = e.target.closest("select[data-autosubmit]");
  if (s && s.form) s.form.submit();
});
// A bar's length travels as data-pct and becomes the --pct custom property (CSSOM, which the
// Content-Security-Policy allows, unlike a style attribute).
function jicengBars(root) {
  root.querySelectorAll("[data-pct]").forEach(function (el) {
    el.style.setProperty("--pct", el.getAttribute("data-pct") + "%");
  });
}
jicengBars(document);
document.body && document.body.addEventListener("htmx:afterSwap", function (e) { jicengBars(e.target); });
