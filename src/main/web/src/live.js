import { api, me } from './api.js';
import { h, copyButton } from './util.js';
import { attach, qualityMenu } from './player.js';

function list(data) { return Array.isArray(data) ? data : (data && (data.items || data.streams)) || []; }

export async function livePage(main) {
  main.append(h('h1', {}, 'Live now'));
  const grid = h('ul', { class: 'grid', 'aria-label': 'Live streams' });
  main.append(grid);
  const refresh = async () => {
    const streams = list(await api('GET', '/api/streams?state=live').catch(() => [])).filter((s) => s.state === 'live');
    grid.replaceChildren(...streams.map((s) => h('li', { class: 'card' },
      h('a', { href: `/live/${s.id}`, 'data-link': true },
        h('div', { class: 'noposter', 'aria-hidden': 'true' }),
        h('div', { class: 'meta' }, h('span', { class: 'live-badge' }, 'LIVE'), ' ', s.title || 'Untitled')))));
    if (!streams.length) grid.append(h('li', {}, 'Nobody is live right now.'));
  };
  await refresh();
  const timer = setInterval(refresh, 5000);
  return () => clearInterval(timer);
}

export async function liveWatchPage(main, id) {
  const info = await api('GET', `/api/streams/${id}`).catch(() => ({ id }));
  main.append(h('h1', {}, h('span', { class: 'live-badge' }, 'LIVE'), ' ', info.title || 'Live stream'));
  const el = h('video', { controls: true, autoplay: true, muted: true, playsinline: true, 'aria-label': 'Live video' });
  const latency = h('span', { id: 'latency', 'aria-live': 'off' });
  const controls = h('div', { class: 'controls' }, latency);
  main.append(h('div', { class: 'player' }, el), controls);
  const player = await attach(el, {
    hls: `/live/${id}/master.m3u8`, dash: `/live/${id}/manifest.mpd`, live: true,
    useDash: new URLSearchParams(location.search).get('player') === 'dash',
    onLevels: (levels, choose) => controls.prepend(qualityMenu(levels, choose)),
  });
  const timer = setInterval(() => {
    const l = player.latency();
    latency.textContent = Number.isFinite(l) ? `Latency ${l.toFixed(2)} s` : '';
  }, 1000);
  return () => { clearInterval(timer); player.destroy(); };
}

export async function goLivePage(main) {
  main.append(h('h1', {}, 'Go live'));
  if (!(await me())) {
    main.append(h('p', {}, 'Log in to stream. ', h('a', { href: '/login?next=/go-live', 'data-link': true }, 'Log in')));
    return;
  }
  const mine = list(await api('GET', '/api/streams').catch(() => []));
  const area = h('div');
  const title = h('input', { id: 'stream-title', maxlength: 200 });
  const create = h('button', { type: 'button' }, 'Create a stream key');
  main.append(h('label', { for: 'stream-title' }, 'Stream title'), title, h('div', { class: 'controls' }, create), area);
  let timer = null;
  const showStream = (s, key) => {
    clearInterval(timer);
    const server = s.rtmpUrl || `rtmp://${location.hostname}:1935/live`;
    const health = h('dl', { class: 'kv', 'aria-live': 'polite' });
    const keyBox = h('code', { class: 'secret' }, key || '(hidden: rotate to see a new key)');
    const rotate = h('button', { type: 'button', class: 'secondary' }, 'Rotate key');
    rotate.addEventListener('click', async () => {
      const r = await api('POST', `/api/streams/${s.id}/key`);
      keyBox.textContent = r.key;
    });
    area.replaceChildren(
      h('h2', {}, s.title || 'Your stream'),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Server'), h('dd', {}, h('code', {}, server), ' ', copyButton('Copy server', () => server)),
        h('dt', {}, 'Stream key'), h('dd', {}, keyBox, ' ', copyButton('Copy key', () => keyBox.textContent), ' ', rotate)),
      h('p', {}, 'In OBS: Settings → Stream → Service "Custom", paste the server and the key. With ffmpeg: ',
        h('code', {}, `ffmpeg -re -i input.mp4 -c copy -f flv ${server}/KEY`)),
      h('h2', {}, 'Ingest health'), health,
      h('p', {}, h('a', { href: `/live/${s.id}`, 'data-link': true }, 'Open the viewer page')));
    const poll = async () => {
      const st = await api('GET', `/api/streams/${s.id}`).catch(() => null);
      if (!st) return;
      const ing = st.ingest || {};
      const rows = [['State', st.state], ['Bitrate', ing.bitrate && `${Math.round(ing.bitrate / 1000)} kb/s`],
        ['Frame rate', ing.frameRate], ['Keyframe interval', ing.keyframeInterval && `${ing.keyframeInterval} s`],
        ['Resolution', ing.width && `${ing.width}×${ing.height}`],
        ['Codecs', [ing.videoCodec, ing.audioCodec].filter(Boolean).join(', ')]];
      health.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
    };
    poll();
    timer = setInterval(poll, 2000);
  };
  create.addEventListener('click', async () => {
    const s = await api('POST', '/api/streams', { title: title.value || 'My stream' });
    showStream(s, s.key);
  });
  if (mine.length) showStream(mine[0]);
  return () => clearInterval(timer);
}
