// Live results: the election's Server-Sent Events stream
// (/api/v1/results/elections/{id}/events). Each answer of the server is
// short: the log entries after Last-Event-ID as "report" events (or the
// log's head as a "head" event), then `retry: 1000`, and the browser's
// EventSource comes back a second later with the last id it saw. So an
// "error" event between answers is the normal rhythm; the connection counts
// as lost only when no answer has come for a while.
//
//   const live = liveStream(id, { onReport(ev), onState(state) });  live.close();
//
// state: 'connecting' | 'live' | 'lost'. onReport gets the event's data
// ({log_seq, station, kind, applied, region, district, abroad}).

const LOST_AFTER_MS = 6000;  // no answer for this long: say the connection is lost
const REOPEN_AFTER_MS = 5000; // a stream the browser gave up on is opened again

export function liveSupported() {
  return typeof window.EventSource === 'function';
}

export function liveStream(electionId, { onReport, onState }) {
  let source = null;
  let state = null;
  let lastAnswer = 0;
  let closed = false;
  let watch = null;
  let reopen = null;
  let lastSeq = null;

  const set = (s) => {
    if (s === state) return;
    state = s;
    onState(s);
  };

  function heard() {
    lastAnswer = Date.now();
    set('live');
  }

  function open() {
    if (closed) return;
    // After a reopen, carry on from the last entry seen (the browser does
    // this itself between answers with Last-Event-ID).
    const q = lastSeq != null ? `?after=${encodeURIComponent(lastSeq)}` : '';
    source = new EventSource(`/api/v1/results/elections/${encodeURIComponent(electionId)}/events${q}`);
    source.addEventListener('open', heard);
    source.addEventListener('head', (e) => {
      heard();
      const seq = Number(e.lastEventId);
      if (Number.isFinite(seq) && lastSeq == null) lastSeq = seq;
    });
    source.addEventListener('report', (e) => {
      heard();
      let data = null;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      const seq = Number(e.lastEventId);
      if (Number.isFinite(seq)) {
        if (lastSeq != null && seq <= lastSeq) return; // already seen
        lastSeq = seq;
      }
      if (data && typeof data === 'object') onReport(data);
    });
    source.addEventListener('error', () => {
      if (source && source.readyState === EventSource.CLOSED) {
        set('lost');
        source = null;
        window.clearTimeout(reopen);
        reopen = window.setTimeout(open, REOPEN_AFTER_MS);
      }
    });
  }

  set('connecting');
  open();
  watch = window.setInterval(() => {
    if (lastAnswer && Date.now() - lastAnswer > LOST_AFTER_MS) set('lost');
  }, 1000);

  return {
    close() {
      closed = true;
      window.clearInterval(watch);
      window.clearTimeout(reopen);
      if (source) source.close();
      source = null;
    },
    lastSeq: () => lastSeq,
  };
}

/* Calls fn at most once per `gap` ms however often it is asked for; the
 * last request is never lost (it runs when the gap is over). fn may return a
 * promise: the next run waits for it. */
export function throttle(fn, gap = 1500) {
  let last = 0;
  let timer = null;
  let running = false;
  let again = false;
  async function run() {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    last = Date.now();
    try {
      await fn();
    } finally {
      running = false;
      if (again) {
        again = false;
        request();
      }
    }
  }
  function request(minDelay = 0) {
    if (timer) return;
    const wait = Math.max(minDelay, last + gap - Date.now(), 0);
    timer = window.setTimeout(run, wait);
  }
  request.cancel = () => {
    window.clearTimeout(timer);
    timer = null;
    again = false;
  };
  return request;
}
