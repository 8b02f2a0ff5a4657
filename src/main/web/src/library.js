import { api, me } from './api.js';
import { h, clock } from './util.js';

function items(data) {
  if (Array.isArray(data)) return data;
  return (data && (data.items || data.videos)) || [];
}

function card(video, position) {
  const poster = video.thumbnail
    ? h('img', { src: video.thumbnail, alt: '', loading: 'lazy' })
    : h('div', { class: 'noposter', 'aria-hidden': 'true' });
  let sub;
  if (video.status === 'ready') sub = video.duration ? clock(video.duration) : 'Ready';
  else if (video.status === 'failed') sub = `Failed: ${video.error || 'unknown error'}`;
  else sub = `${video.status || 'processing'} ${Math.round((video.progress || 0) * 100)} %`;
  const href = position ? `/watch/${video.id}?t=${Math.floor(position.seconds)}` : `/watch/${video.id}`;
  return h('li', { class: 'card' },
    h('a', { href, 'data-link': true },
      poster,
      h('div', { class: 'meta' },
        h('div', {}, video.title || 'Untitled'),
        h('div', { class: 'sub' }, position ? `Resume at ${clock(position.seconds)}` : sub))));
}

export async function libraryPage(main) {
  main.append(h('h1', {}, 'Library'));
  const user = await me();
  if (user) {
    try {
      const history = items(await api('GET', '/api/me/history')).slice(0, 12);
      const videos = await Promise.all(history.map((p) => api('GET', `/api/videos/${p.videoId}`).catch(() => null)));
      const row = h('ul', { class: 'row', 'aria-label': 'Continue watching' });
      history.forEach((p, i) => { if (videos[i]) row.append(card(videos[i], p)); });
      if (row.children.length) main.append(h('h2', {}, 'Continue watching'), row);
    } catch { /* history is a nicety; the library still shows */ }
  }
  const grid = h('ul', { class: 'grid', 'aria-label': 'All videos' });
  main.append(h('h2', {}, 'All videos'), grid);
  const refresh = async () => {
    const list = items(await api('GET', '/api/videos'));
    grid.replaceChildren(...list.map((v) => card(v)));
    if (!list.length) grid.append(h('li', {}, 'No videos yet. ', h('a', { href: '/upload', 'data-link': true }, 'Upload one')));
    return list.some((v) => v.status === 'processing' || v.status === 'uploading');
  };
  let timer = null;
  const tick = async () => { if (await refresh().catch(() => false)) timer = setTimeout(tick, 3000); };
  await tick();
  return () => clearTimeout(timer);
}
