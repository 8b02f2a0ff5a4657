// Reelay web app: a small client-side router over the pages below.
import { api, me, forgetMe } from './api.js';
import { h } from './util.js';
import { libraryPage } from './library.js';
import { watchPage } from './watch.js';
import { uploadPage } from './upload.js';
import { livePage, liveWatchPage, goLivePage } from './live.js';
import { loginPage } from './login.js';

const routes = [
  [/^\/$/, libraryPage],
  [/^\/watch\/([A-Za-z0-9_-]+)$/, watchPage],
  [/^\/upload$/, uploadPage],
  [/^\/live$/, livePage],
  [/^\/live\/([A-Za-z0-9_-]+)$/, liveWatchPage],
  [/^\/go-live$/, goLivePage],
  [/^\/login$/, loginPage],
];

let cleanup = null;

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
  const main = document.getElementById('main');
  main.replaceChildren();
  delete main.dataset.ready;
  for (const a of document.querySelectorAll('nav a')) {
    a.toggleAttribute('aria-current', a.getAttribute('href') === location.pathname);
    if (a.hasAttribute('aria-current')) a.setAttribute('aria-current', 'page');
  }
  renderAccount();
  for (const [pattern, page] of routes) {
    const m = location.pathname.match(pattern);
    if (m) {
      try {
        cleanup = (await page(main, ...m.slice(1))) || null;
      } catch (e) {
        main.append(h('p', { class: 'error', role: 'alert' }, `Something went wrong: ${e.message}`));
      }
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
