/**
 * WebSocket load generator, identical for the baseline and OpenLess. Every wait is on an
 * event and bounded by a deadline, so a stuck server fails the run instead of hanging it.
 *
 * - roundTrips:  1 connection, send → await reply → repeat; latencies in ms.
 * - interleavedRoundTrips: the same to several servers, in alternated chunks.
 * - throughput:  N connections, each keeping `window` frames in flight; replies/s counted
 *                in a fixed window after a warm-up.
 * - interleavedThroughput: the same for several servers, loaded in turn in alternated chunks.
 * - holdConnections: opens `count` connections in batches, reads the server's RSS before
 *                and after, closes them all and awaits the closes.
 */
import { WebSocket } from 'ws';
import { measureWindow, rssKiB } from './processes.mjs';

const CLIENT_OPTIONS = { perMessageDeflate: false };

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function deadline(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** An error frame of OpenLess starts with `{"error"` — counted, never mistaken for a reply. */
function isErrorFrame(data) {
  return data.length > 9 && data[0] === 0x7b && data.toString('latin1', 0, 9) === '{"error":';
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, CLIENT_OPTIONS);
    ws.once('open', () => {
      ws.removeListener('error', reject);
      ws.on('error', () => undefined);
      resolve(ws);
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused with HTTP ${res.statusCode}`)));
  });
}

function close(ws) {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', resolve);
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
  });
}

/** One connection that times send → reply; `errors` counts error frames received. */
async function openTimer(url) {
  const ws = await deadline(open(url), 10_000, `open ${url}`);
  let waiting;
  const timer = {
    ws,
    errors: 0,
    /** Runs `count` round trips; with `into`, their latencies in ms go to `into[offset…]`. */
    async run(frame, count, into, offset = 0) {
      for (let i = 0; i < count; i++) {
        const replied = new Promise((resolve) => (waiting = resolve));
        const started = process.hrtime.bigint();
        ws.send(frame);
        await replied;
        if (into) into[offset + i] = Number(process.hrtime.bigint() - started) / 1e6;
      }
    },
  };
  ws.on('message', (data) => {
    if (isErrorFrame(data)) timer.errors++;
    waiting?.();
  });
  return timer;
}

export async function roundTrips(url, frame, { warmup, count, timeoutMs = 60_000 }) {
  const [latencies] = await interleavedRoundTrips([url], frame, { warmup, count, chunks: 1, timeoutMs });
  return latencies;
}

/**
 * Round trips to several servers, one connection each, in alternated chunks: each server
 * gets its warm-up, then `count` round trips in `chunks` turns, every server once per turn.
 * A machine whose speed drifts over a run (other tenants, frequency) thus slows every
 * server alike, and the ratio between them holds. Latencies in ms, one array per URL.
 */
export async function interleavedRoundTrips(urls, frame, { warmup, count, chunks, timeoutMs = 60_000 }) {
  const timers = [];
  try {
    for (const url of urls) timers.push(await openTimer(url));
    const latencies = urls.map(() => new Float64Array(count));
    const run = async () => {
      for (const timer of timers) await timer.run(frame, warmup);
      const perChunk = Math.ceil(count / chunks);
      for (let done = 0; done < count; done += perChunk) {
        const size = Math.min(perChunk, count - done);
        for (let i = 0; i < timers.length; i++) await timers[i].run(frame, size, latencies[i], done);
      }
    };
    await deadline(run(), timeoutMs * urls.length, `round trips to ${urls.join(', ')}`);
    timers.forEach((timer, i) => {
      if (timer.errors > 0) throw new Error(`${timer.errors} error frames from ${urls[i]}`);
    });
    return latencies.map((values) => Array.from(values));
  } finally {
    await Promise.all(timers.map(({ ws }) => deadline(close(ws), 10_000, 'close').catch(() => ws.terminate())));
  }
}

/** `connections` sockets to one server, each keeping `window` frames in flight while started. */
class ClosedLoop {
  static async open(url, frame, { connections, window }) {
    const sockets = await deadline(Promise.all(Array.from({ length: connections }, () => open(url))), 30_000, `open ${connections} to ${url}`);
    return new ClosedLoop(url, frame, window, sockets);
  }

  /** Replies counted while `measuring` (error frames are not). */
  counted = 0;
  measuring = false;
  errors = 0;
  sending = false;
  inFlight = 0;
  drained = undefined;

  constructor(url, frame, window, sockets) {
    this.url = url;
    this.frame = frame;
    this.window = window;
    this.sockets = sockets;
    for (const ws of sockets) {
      ws.on('message', (data) => {
        this.inFlight--;
        if (isErrorFrame(data)) this.errors++;
        else if (this.measuring) this.counted++;
        if (this.sending) {
          this.inFlight++;
          ws.send(frame);
        } else if (this.inFlight === 0) this.drained?.();
      });
    }
  }

  start() {
    this.sending = true;
    for (const ws of this.sockets) {
      for (let i = 0; i < this.window; i++) {
        this.inFlight++;
        ws.send(this.frame);
      }
    }
  }

  /** Stops sending and resolves once every frame in flight is answered. */
  async stop() {
    this.sending = false;
    if (this.inFlight > 0) await deadline(new Promise((resolve) => (this.drained = resolve)), 30_000, `drain replies from ${this.url}`);
    if (this.errors > 0) throw new Error(`${this.errors} error frames from ${this.url}`);
  }

  close() {
    return deadline(Promise.all(this.sockets.map(close)), 30_000, `close ${this.url}`).catch(() => this.sockets.forEach((ws) => ws.terminate()));
  }
}

/** Returns `{ rate }` replies/s and, per reply, the CPU figures of measureWindow (`cpuUs`: the server's; needs `pid`). */
export async function throughput(url, frame, { connections, window, warmupMs, durationMs, pid }) {
  const [result] = await interleavedThroughput([{ url, pid }], frame, { connections, window, warmupMs, durationMs, chunks: 1 });
  return result;
}

/**
 * Throughput of several servers (`targets`: `{ url, pid }`), each loaded in turn: `chunks`
 * turns, each measuring every server for `durationMs / chunks` after `settleMs` of load (the
 * first turn after the whole `warmupMs`), the others idle meanwhile. As with
 * interleavedRoundTrips, a machine that drifts in speed over the run slows every server alike.
 * Returns, per target, the figures of `throughput` over all its windows together.
 */
export async function interleavedThroughput(targets, frame, { connections, window, warmupMs, durationMs, chunks, settleMs = 200 }) {
  const loops = [];
  try {
    for (const { url } of targets) loops.push(await ClosedLoop.open(url, frame, { connections, window }));
    const totals = targets.map(() => ({ events: 0, elapsedS: 0, cpuUs: 0, mainThreadUs: 0, loadGeneratorUs: 0, idleUs: 0 }));
    const forward = targets.map((_, i) => i);
    const backward = [...forward].reverse();
    for (let chunk = 0; chunk < chunks; chunk++) {
      // Forward, then backward: no server is always measured right after the same other one.
      for (const i of chunk % 2 === 0 ? forward : backward) {
        const loop = loops[i];
        loop.counted = 0;
        loop.start();
        const { elapsedS, ...perReply } = await measureWindow({
          warmupMs: chunk === 0 ? warmupMs : settleMs,
          durationMs: durationMs / chunks,
          pid: targets[i].pid,
          setMeasuring: (on) => (loop.measuring = on),
          counted: () => loop.counted,
        });
        await loop.stop();
        const total = totals[i];
        total.events += loop.counted;
        total.elapsedS += elapsedS;
        for (const key of ['cpuUs', 'mainThreadUs', 'loadGeneratorUs', 'idleUs']) total[key] += perReply[key] * loop.counted;
      }
    }
    return totals.map(({ events, elapsedS, ...sums }) => ({
      rate: events / elapsedS,
      ...Object.fromEntries(Object.entries(sums).map(([key, sum]) => [key, sum / events])),
    }));
  } finally {
    await Promise.all(loops.map((loop) => loop.close()));
  }
}

/** Opens `count` in batches, awaiting each batch; failures are counted, not fatal. */
async function openMany(url, count, batch, into) {
  let failed = 0;
  for (let done = 0; done < count; done += batch) {
    const size = Math.min(batch, count - done);
    const results = await deadline(Promise.allSettled(Array.from({ length: size }, () => open(url))), 60_000, `open a batch of ${size} to ${url}`);
    for (const result of results) {
      if (result.status === 'fulfilled') into.push(result.value);
      else failed++;
    }
  }
  return failed;
}

/** The server has handled everything sent before: a ping on the newest connection came back. */
function settled(ws) {
  return new Promise((resolve) => {
    ws.once('pong', resolve);
    ws.ping();
  });
}

export async function holdConnections(url, pid, { count, batch }) {
  const held = [];
  try {
    // Warm-up at the same concurrency, so lazily started machinery (JIT, worker threads)
    // is in the "before" figure rather than charged to the connections.
    await openMany(url, batch, batch, held);
    await deadline(Promise.all(held.splice(0).map(close)), 60_000, `close warm-up connections to ${url}`);
    const before = rssKiB(pid);
    const failed = await openMany(url, count, batch, held);
    if (held.length > 0) await deadline(settled(held[held.length - 1]), 30_000, `settle ${url}`);
    const after = rssKiB(pid);
    const opened = held.length;
    return { before, after, opened, failed, kibPerConnection: opened > 0 ? (after - before) / opened : NaN };
  } finally {
    await deadline(Promise.all(held.map(close)), 120_000, `close ${held.length} connections to ${url}`).catch(() => held.forEach((ws) => ws.terminate()));
  }
}
