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
// allows no inline handlers: data-confirm on a form asks before submitting, data-print prints,
// data-autosubmit on a select submits its form when it changes.
document.addEventListener("submit", function (e) {
  var f = e.target.closest("form[data-confirm]");
  if (f && !window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
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
