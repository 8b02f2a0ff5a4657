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
    // little faster to catch up; 1.5x is hls.js's own low-latency suggestion. Measured: 1.4-1.7 s
    // behind live with it and the start-up below, 2.6-3.6 s with hls.js defaults (docs/benchmarks.md,
    // Live). hls.js 1.7.4 failed fatally on rung switches (bufferAppendError): pinned to 1.6.15.
    // localStorage 'reelay.debug' = '1' turns on hls.js's own log in the console.
    const debug = localStorage.getItem('reelay.debug') === '1';
    const player = new Hls(live
      ? { lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, backBufferLength: 30, debug }
      : { lowLatencyMode: false, backBufferLength: 90, debug });
    const endHold = live ? holdSourceAtStart(player, video) : () => {};
    if (live) playOncePositioned(video);
    player.loadSource(hls);
    player.attachMedia(video);
    player.on(Hls.Events.MANIFEST_PARSED, () => onLevels && onLevels(player.levels, (i) => { endHold(); player.currentLevel = i; }));
    window.__reelayHls = player; // for tests and debugging in the console
    return { kind: 'hls.js', destroy: () => player.destroy(), latency: () => player.latency };
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = hls;
    return { kind: 'native', destroy: () => { video.removeAttribute('src'); video.load(); }, latency: () => null };
  }
  throw new Error('this browser cannot play HLS');
}

// hls.js's first bandwidth samples of an LL-HLS stream count the time a part request waits for
// its part to exist, so its first estimate can be far below the link's real rate. Acting on it
// switches to a transcoded rung, whose playlist trails the live edge by a transcode: playback
// stalls, and hls.js then stays a second further behind live for the rest of the session. So live
// playback stays on the first listed rendition (the source) for its first parts, then hls.js's
// ABR takes over; sooner if the buffer runs low, as it does on a link too slow for the source.
// Measured in docs/benchmarks.md (Live, hls.js latency).
const SOURCE_HOLD_PARTS = 6;
const SOURCE_HOLD_MIN_BUFFER_S = 0.8;

// hls.js buffers a live stream from near its edge and then seeks there. A video element already
// playing at 0 meanwhile (autoplay) is stalled in hls.js's eyes, and every stall adds a second to
// the latency hls.js keeps for the session. So live playback starts once the playhead is in place.
function playOncePositioned(video) {
  video.autoplay = false;
  const start = () => {
    if (video.currentTime <= 0) return;
    video.removeEventListener('seeked', start);
    video.play().catch(() => { /* autoplay refused: the viewer presses play */ });
  };
  video.addEventListener('seeked', start);
}

// Returns a function that ends the hold early, for when the viewer picks a quality themselves.
function holdSourceAtStart(player, video) {
  let stop = () => {};
  player.once(Hls.Events.MANIFEST_PARSED, (_, data) => {
    if (player.levels.length < 2) return;
    player.loadLevel = data.firstLevel;
    let parts = 0;
    const counted = (_e, d) => {
      if (d.frag.type !== 'main') return;
      const ahead = player.mainForwardBufferInfo?.len ?? 0;
      const starving = video.currentTime > 0 && ahead < SOURCE_HOLD_MIN_BUFFER_S;
      if (++parts >= SOURCE_HOLD_PARTS || starving) {
        stop();
        player.loadLevel = -1;
      }
    };
    stop = () => player.off(Hls.Events.FRAG_BUFFERED, counted);
    player.on(Hls.Events.FRAG_BUFFERED, counted);
  });
  return () => stop();
}

export function qualityMenu(levels, choose) {
  const select = h('select', { id: 'quality', 'aria-label': 'Quality' }, h('option', { value: '-1' }, 'Auto'));
  levels.forEach((l, i) => select.append(h('option', { value: String(i) }, l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kb/s`)));
  select.addEventListener('change', () => choose(Number(select.value)));
  return select;
}
