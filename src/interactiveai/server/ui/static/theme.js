// Loaded in <head> (blocking) so the page never flashes the wrong theme.
(function () {
  var saved = null;
  try { saved = localStorage.getItem("ia-theme"); } catch (e) { /* private mode */ }
  var dark = saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
})();
