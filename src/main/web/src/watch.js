import { api, me } from './api.js';
import { h, clock, copyButton } from './util.js';
import { attach, qualityMenu } from './player.js';

/** Parses a storyboard WebVTT (cues pointing at sprite.jpg#xywh=x,y,w,h) into time ranges. */
async function storyboard(url) {
  const text = await (await fetch(url, { credentials: 'same-origin' })).text();
  const base = new URL(url, location.href);
  const cues = [];
  const toSec = (t) => t.split(':').reduce((acc, p) => acc * 60 + parseFloat(p), 0);
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.trim().split(/\r?\n/);
    const timing = lines.find((l) => l.includes('-->'));
    const target = lines[lines.indexOf(timing) + 1];
    if (!timing || !target) continue;
    const [from, to] = timing.split('-->').map((s) => toSec(s.trim().split(' ')[0]));
    const [file, frag] = target.trim().split('#xywh=');
    if (!frag) continue;
    const [x, y, w, hh] = frag.split(',').map(Number);
    cues.push({ from, to, src: new URL(file, base).href, x, y, w, h: hh });
  }
  return cues;
}

export async function watchPage(main, id) {
  const video = await api('GET', `/api/videos/${id}`);
  main.append(h('h1', {}, video.title || 'Untitled'));
  if (video.status !== 'ready' && !video.hls) {
    const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, h('div'));
    const label = h('p', { 'aria-live': 'polite' });
    main.append(label, bar);
    let timer;
    const poll = async () => {
      const v = await api('GET', `/api/videos/${id}`);
      const pct = Math.round((v.progress || 0) * 100);
      label.textContent = v.status === 'failed' ? `Processing failed: ${v.error}` : `${v.status}: ${pct} %`;
      bar.firstChild.style.width = `${pct}%`;
      bar.setAttribute('aria-valuenow', pct);
      if (v.status === 'ready' || v.hls) { main.replaceChildren(); watchPage(main, id); return; }
      if (v.status !== 'failed') timer = setTimeout(poll, 2000);
    };
    poll();
    return () => clearTimeout(timer);
  }

  const params = new URLSearchParams(location.search);
  const el = h('video', { controls: true, playsinline: true, preload: 'metadata', poster: video.thumbnail || null, 'aria-label': video.title || 'Video' });
  const preview = h('div', { class: 'preview', 'aria-hidden': 'true' });
  const seek = h('input', { type: 'range', min: 0, max: 1000, value: 0, step: 1, 'aria-label': 'Seek', style: 'width:100%' });
  const controls = h('div', { class: 'controls' });
  const prompt = h('div', { class: 'notice', role: 'region', 'aria-label': 'Resume', hidden: true });
  main.append(prompt, h('div', { class: 'player' }, el, preview), seek, controls);

  // Keyboard: space plays/pauses, arrows seek and change volume, f toggles full screen. Wired
  // before anything is awaited, so a key pressed as soon as the video shows is never lost.
  const onKey = (e) => {
    if (e.target.closest('input, select, textarea, button')) return;
    if (e.key === ' ') { e.preventDefault(); if (el.paused) el.play(); else el.pause(); }
    else if (e.key === 'ArrowRight') el.currentTime += 5;
    else if (e.key === 'ArrowLeft') el.currentTime = Math.max(0, el.currentTime - 5);
    else if (e.key === 'ArrowUp') { e.preventDefault(); el.volume = Math.min(1, el.volume + 0.1); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); el.volume = Math.max(0, el.volume - 0.1); }
    else if (e.key === 'f') { if (document.fullscreenElement) document.exitFullscreen(); else el.requestFullscreen?.(); }
  };
  document.addEventListener('keydown', onKey);

  const useDash = params.get('player') === 'dash';
  const player = await attach(el, {
    hls: video.hls, dash: video.dash, useDash,
    onLevels: (levels, choose) => controls.prepend(qualityMenu(levels, choose)),
  });
  controls.append(
    copyButton('Share at current time', () => `${location.origin}/watch/${id}?t=${Math.floor(el.currentTime)}`),
    h('a', { href: useDash ? `/watch/${id}` : `/watch/${id}?player=dash`, 'data-link': true }, useDash ? 'Use HLS' : 'Use DASH'));

  // Start position: the link's ?t= wins; otherwise offer to resume where the viewer stopped.
  const user = await me();
  const t = Number(params.get('t'));
  if (Number.isFinite(t) && t > 0) {
    el.currentTime = t;
    el.addEventListener('loadedmetadata', () => { if (el.currentTime < t - 1) el.currentTime = t; }, { once: true });
  } else if (user) {
    const pos = await api('GET', `/api/me/positions/${id}`).catch(() => null);
    if (pos && pos.seconds > 5 && (!video.duration || pos.seconds < video.duration - 5)) {
      const resume = h('button', { type: 'button', id: 'resume' }, 'Resume');
      prompt.append(h('span', {}, `Resume at ${clock(pos.seconds)}? `), resume,
        h('button', { type: 'button', class: 'secondary', onclick: () => { prompt.hidden = true; } }, 'Start over'));
      prompt.hidden = false;
      resume.addEventListener('click', () => { el.currentTime = pos.seconds; prompt.hidden = true; el.play().catch(() => {}); });
      resume.focus();
    }
  }

  // Save the position while playing, on pause and seek, and when the page goes away: once the
  // viewer has played this time, so that opening the page and leaving it (or a reload that offers
  // to resume) never overwrites the saved position with 0.
  let lastSaved = -1;
  let played = false;
  el.addEventListener('play', () => { played = true; });
  // A beacon when the document goes away; otherwise a PUT the caller may wait for.
  const save = (beacon = false) => {
    if (!user || !played || !Number.isFinite(el.currentTime) || Math.abs(el.currentTime - lastSaved) < 0.5) return Promise.resolve();
    lastSaved = el.currentTime;
    const body = JSON.stringify({ seconds: Math.round(el.currentTime * 10) / 10 });
    if (beacon && navigator.sendBeacon) { navigator.sendBeacon(`/api/me/positions/${id}`, body); return Promise.resolve(); }
    return fetch(`/api/me/positions/${id}`, { method: 'PUT', credentials: 'same-origin', keepalive: true, headers: { 'Content-Type': 'application/json' }, body }).catch(() => {});
  };
  const interval = setInterval(() => { if (!el.paused) save(); }, 5000);
  el.addEventListener('pause', () => save());
  el.addEventListener('seeked', () => save());
  const onHide = () => { if (document.visibilityState === 'hidden') save(true); };
  const onPageHide = () => save(true);
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', onPageHide);

  // Custom seek bar with storyboard thumbnails on hover.
  el.addEventListener('timeupdate', () => { if (el.duration) seek.value = String(Math.round((el.currentTime / el.duration) * 1000)); });
  seek.addEventListener('input', () => { if (el.duration) el.currentTime = (Number(seek.value) / 1000) * el.duration; });
  // The thumbnails load in the background: the page is usable without them.
  let cues = [];
  if (video.storyboard) {
    storyboard(video.storyboard).then((c) => { cues = c; }, () => {});
    seek.addEventListener('mousemove', (e) => {
      const r = seek.getBoundingClientRect();
      const at = ((e.clientX - r.left) / r.width) * (el.duration || video.duration || 0);
      const cue = cues.find((c) => at >= c.from && at < c.to);
      if (!cue) { preview.style.display = 'none'; return; }
      Object.assign(preview.style, {
        display: 'block', width: `${cue.w}px`, height: `${cue.h}px`,
        backgroundImage: `url("${cue.src}")`, backgroundPosition: `-${cue.x}px -${cue.y}px`,
        left: `${Math.min(Math.max(0, e.clientX - r.left - cue.w / 2), r.width - cue.w)}px`,
      });
    });
    seek.addEventListener('mouseleave', () => { preview.style.display = 'none'; });
  }

  // Leaving for another page of the app: the position is saved (the returned promise) first.
  return () => {
    const saved = save();
    clearInterval(interval);
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', onPageHide);
    player.destroy();
    return saved;
  };
}
