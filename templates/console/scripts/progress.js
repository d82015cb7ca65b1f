/* global document, fetch, location, DOMParser, setTimeout */
// Pages that show work in progress (a packet rendering, a packet run) mark <main data-refresh="N">. Without
// script, a <noscript> meta refresh reloads the whole page every N seconds; with it, this fetches the page again
// and swaps in the server's fresh <main>, so the reader keeps their place and focus. It stops once the server
// sends a <main> without data-refresh (the work is done).
const main = document.querySelector('main[data-refresh]');
if (main) {
  const seconds = Math.max(1, Number(main.getAttribute('data-refresh')) || 2);
  const tick = async () => {
    try {
      const response = await fetch(location.href, {
        headers: { accept: 'text/html' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (response.ok) {
        const fresh = new DOMParser()
          .parseFromString(await response.text(), 'text/html')
          .querySelector('main');
        if (fresh) {
          main.replaceChildren(...fresh.childNodes);
          if (!fresh.hasAttribute('data-refresh')) {
            main.removeAttribute('data-refresh');
            return;
          }
        }
      }
    } catch {
      // A blip (the server restarting, the network): try again on the next tick.
    }
    setTimeout(tick, seconds * 1000);
  };
  setTimeout(tick, seconds * 1000);
}
