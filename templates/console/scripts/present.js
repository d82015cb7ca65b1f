/* global document, window */
// Present mode's keys: ArrowRight, PageDown or Space for the next slide, ArrowLeft or PageUp for the previous one,
// Escape to leave, F for full screen. The slides' Prev/Next/Exit links do the same without this script. Keys typed
// into the decision form (or pressed on its buttons and its disclosure) are left alone.
(function () {
  'use strict';
  var NEXT = ['ArrowRight', 'PageDown', ' ', 'Spacebar'];
  var PREV = ['ArrowLeft', 'PageUp'];

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link && link.href) window.location.assign(link.href);
    return Boolean(link);
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(
      target.closest(
        'input, textarea, select, button, summary, [contenteditable=""], [contenteditable="true"]',
      ),
    );
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target))
      return;
    var handled = false;
    if (NEXT.indexOf(event.key) >= 0) handled = follow('a[rel="next"]');
    else if (PREV.indexOf(event.key) >= 0) handled = follow('a[rel="prev"]');
    else if (event.key === 'Escape') handled = follow('a.present-exit');
    else if (event.key === 'f' || event.key === 'F') {
      var root = document.documentElement;
      if (document.fullscreenElement) document.exitFullscreen();
      else if (root.requestFullscreen) root.requestFullscreen().catch(function () {});
      handled = true;
    }
    if (handled) event.preventDefault();
  });
})();
