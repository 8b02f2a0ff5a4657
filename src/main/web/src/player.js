// One player for VOD and live: hls.js where Media Source Extensions exist, native HLS (Safari)
// otherwise, dash.js on request (loaded only then).
import Hls from 'hls.js';
import { h } from './util.js';

export async function attach(video, { hls, dash, live = false, useDash = false, onLevels }) {
  if (useDash && dash) {
    const { MediaPlayer } = await import('dashjs');
    const player = MediaPlayer().create();
    player.initialize(video, dash, false);
    if (live) player.updateSettings({ streaming: { delay: { liveDelay: 2 } } });
    return { kind: 'dash', destroy: () => player.reset(), latency: () => player.getCurrentLiveLatency?.() };
  }
  if (Hls.isSupported()) {
    // Live: hls.js keeps the delay it starts with (and adds every stall to it) unless it may play a
    // little faster to catch up; 1.5x is hls.js's own low-latency suggestion. Measured: 1.3-1.7 s
    // behind live with it, 2.1-3.1 s without (docs/benchmarks.md, Live).
    const player = new Hls(live
      ? { lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, backBufferLength: 30 }
      : { lowLatencyMode: false, backBufferLength: 90 });
    player.loadSource(hls);
    player.attachMedia(video);
    player.on(Hls.Events.MANIFEST_PARSED, () => onLevels && onLevels(player.levels, (i) => { player.currentLevel = i; }));
    window.__reelayHls = player; // for tests and debugging in the console
    return { kind: 'hls.js', destroy: () => player.destroy(), latency: () => player.latency };
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = hls;
    return { kind: 'native', destroy: () => { video.removeAttribute('src'); video.load(); }, latency: () => null };
  }
  throw new Error('this browser cannot play HLS');
}

export function qualityMenu(levels, choose) {
  const select = h('select', { id: 'quality', 'aria-label': 'Quality' }, h('option', { value: '-1' }, 'Auto'));
  levels.forEach((l, i) => select.append(h('option', { value: String(i) }, l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kb/s`)));
  select.addEventListener('change', () => choose(Number(select.value)));
  return select;
}
