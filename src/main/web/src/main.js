// Reelay web app: a small client-side router over the pages below.
import { api, me, forgetMe } from './api.js';
import { h } from './util.js';
import { libraryPage } from './library.js';
import { watchPage } from './watch.js';
import { uploadPage } from './upload.js';
import { livePage, liveWatchPage, goLivePage } from './live.js';
import { loginPage } from './login.js';

// Pattern, page, and the name #main carries in data-ready once the page is drawn and wired.
const routes = [
  [/^\/$/, libraryPage, 'library'],
  [/^\/watch\/([A-Za-z0-9_-]+)$/, watchPage, 'watch'],
  [/^\/upload$/, uploadPage, 'upload'],
  [/^\/live$/, livePage, 'live'],
  [/^\/live\/([A-Za-z0-9_-]+)$/, liveWatchPage, 'live-watch'],
  [/^\/go-live$/, goLivePage, 'go-live'],
  [/^\/login$/, loginPage, 'login'],
];

let cleanup = null;
// Counts renders, so that a page the viewer left while it was still loading is ended once loaded.
let rendering = 0;

export function navigate(path) {
  history.pushState(null, '', path);
  render();
}

async function renderAccount() {
  const box = document.getElementById('account');
  const user = await me();
  box.replaceChildren();
  if (user) {
    box.append(
      h('span', {}, user.username),
      h('button', {
        class: 'secondary', type: 'button',
        // The page saves first: once logged out, its position would be refused.
        onclick: async () => { await leavePage(); await api('POST', '/api/logout'); forgetMe(); navigate('/'); },
      }, 'Log out'));
  } else {
    box.append(h('a', { href: '/login', 'data-link': true }, 'Log in'));
  }
}

/** Ends the current page: it stops its player; the promise settles once it has saved its state. */
function leavePage() {
  let saved;
  if (cleanup) { try { saved = cleanup(); } catch { /* page already gone */ } cleanup = null; }
  return Promise.resolve(saved).catch(() => {});
}

async function render() {
  leavePage();
  const current = ++rendering;
  const main = document.getElementById('main');
  main.replaceChildren();
  delete main.dataset.ready;
  for (const a of document.querySelectorAll('nav a')) {
    a.toggleAttribute('aria-current', a.getAttribute('href') === location.pathname);
    if (a.hasAttribute('aria-current')) a.setAttribute('aria-current', 'page');
  }
  renderAccount();
  for (const [pattern, page, name] of routes) {
    const m = location.pathname.match(pattern);
    if (m) {
      let end = null;
      try {
        end = (await page(main, ...m.slice(1))) || null;
      } catch (e) {
        if (current === rendering) main.append(h('p', { class: 'error', role: 'alert' }, `Something went wrong: ${e.message}`));
      }
      if (current !== rendering) { // left while loading: stop what it started (player, handlers)
        try { end?.(); } catch { /* page already gone */ }
        return;
      }
      cleanup = end;
      main.dataset.ready = name; // every handler is wired (tests wait for this)
      main.focus({ preventScroll: true });
      return;
    }
  }
  main.append(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/', 'data-link': true }, 'Back to the library')));
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (a && !e.metaKey && !e.ctrlKey && a.origin === location.origin) {
    e.preventDefault();
    navigate(a.pathname + a.search);
  }
});
window.addEventListener('popstate', render);
render();
