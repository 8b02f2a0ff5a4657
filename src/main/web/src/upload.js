import * as tus from 'tus-js-client';
import { api, me } from './api.js';
import { h, bytes, clock } from './util.js';
import { navigate } from './main.js';

export async function uploadPage(main) {
  main.append(h('h1', {}, 'Upload'));
  if (!(await me())) {
    main.append(h('p', {}, 'Log in to upload. ', h('a', { href: '/login?next=/upload', 'data-link': true }, 'Log in')));
    return;
  }
  const input = h('input', { type: 'file', id: 'file', accept: 'video/*,audio/*,.mkv,.mov,.webm' });
  const title = h('input', { id: 'title', maxlength: 200 });
  const drop = h('div', { class: 'drop', tabindex: 0, role: 'button', 'aria-label': 'Drop a video file here or press Enter to choose one' },
    'Drop a video here, or ', h('label', { for: 'file', style: 'display:inline' }, 'choose a file'), input);
  const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Upload progress' }, h('div'));
  const status = h('p', { id: 'upload-status', 'aria-live': 'polite' });
  const pause = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Pause');
  main.append(h('label', { for: 'title' }, 'Title (optional)'), title, h('p'), drop, h('div', { class: 'controls' }, pause), bar, status);

  let upload = null;
  let running = false;
  const show = (pct) => { bar.firstChild.style.width = `${pct}%`; bar.setAttribute('aria-valuenow', Math.round(pct)); };

  const follow = async (videoId) => {
    // Transcode progress until the video is ready.
    for (;;) {
      const v = await api('GET', `/api/videos/${videoId}`).catch(() => null);
      if (v && v.status === 'failed') { status.textContent = `Processing failed: ${v.error}`; return; }
      if (v && (v.status === 'ready' || v.hls)) { status.textContent = 'Ready.'; navigate(`/watch/${videoId}`); return; }
      const pct = v ? Math.round((v.progress || 0) * 100) : 0;
      show(pct);
      status.textContent = `Processing: ${pct} %`;
      await new Promise((r) => setTimeout(r, 2000));
      if (!document.body.contains(status)) return;
    }
  };

  const start = async (file) => {
    let last = { t: performance.now(), b: 0 };
    let speed = 0;
    upload = new tus.Upload(file, {
      endpoint: '/files/',
      retryDelays: [0, 1000, 3000, 5000, 10000],
      chunkSize: 64 * 1024 * 1024,
      removeFingerprintOnSuccess: true,
      metadata: { filename: file.name, filetype: file.type || 'application/octet-stream', title: title.value || file.name },
      onProgress: (sent, total) => {
        const now = performance.now();
        if (now - last.t > 500) { speed = ((sent - last.b) * 1000) / (now - last.t); last = { t: now, b: sent }; }
        const left = speed > 0 ? (total - sent) / speed : NaN;
        show((sent / total) * 100);
        status.textContent = `Uploading ${bytes(sent)} of ${bytes(total)}` +
          (speed > 0 ? `, ${bytes(speed)}/s, ${clock(left)} left` : '');
      },
      onError: (err) => { running = false; pause.textContent = 'Retry'; status.textContent = `Upload failed: ${err.message}`; },
      onSuccess: () => {
        running = false;
        pause.disabled = true;
        const videoId = upload.url.split('/').filter(Boolean).pop();
        follow(videoId);
      },
    });
    // A reload (or a dropped connection) resumes the same upload where the server stopped.
    const previous = await upload.findPreviousUploads();
    if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
    running = true;
    pause.disabled = false;
    pause.textContent = 'Pause';
  };

  pause.addEventListener('click', () => {
    if (!upload) return;
    if (running) { upload.abort(); running = false; pause.textContent = 'Resume'; status.textContent = 'Paused.'; }
    else { upload.start(); running = true; pause.textContent = 'Pause'; }
  });
  input.addEventListener('change', () => input.files[0] && start(input.files[0]));
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files[0]) start(e.dataTransfer.files[0]); });
  return () => { if (upload && running) upload.abort(); };
}
