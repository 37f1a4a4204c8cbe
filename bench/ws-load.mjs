/**
 * WebSocket load generator, identical for the baseline and OpenLess. Every wait is on an
 * event and bounded by a deadline, so a stuck server fails the run instead of hanging it.
 *
 * - roundTrips:  1 connection, send → await reply → repeat; latencies in ms.
 * - throughput:  N connections, each keeping `window` frames in flight; replies/s counted
 *                in a fixed window after a warm-up.
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

export async function roundTrips(url, frame, { warmup, count, timeoutMs = 60_000 }) {
  const ws = await deadline(open(url), 10_000, `open ${url}`);
  try {
    let waiting;
    let errors = 0;
    ws.on('message', (data) => {
      if (isErrorFrame(data)) errors++;
      waiting?.();
    });
    const latencies = new Float64Array(count);
    const run = async () => {
      for (let i = 0; i < warmup + count; i++) {
        const replied = new Promise((resolve) => (waiting = resolve));
        const started = process.hrtime.bigint();
        ws.send(frame);
        await replied;
        if (i >= warmup) latencies[i - warmup] = Number(process.hrtime.bigint() - started) / 1e6;
      }
    };
    await deadline(run(), timeoutMs, `round trips to ${url}`);
    if (errors > 0) throw new Error(`${errors} error frames from ${url}`);
    return Array.from(latencies);
  } finally {
    await deadline(close(ws), 10_000, `close ${url}`).catch(() => ws.terminate());
  }
}

/** Returns `{ rate }` replies/s and, per reply, the CPU figures of measureWindow (`cpuUs`: the server's; needs `pid`). */
export async function throughput(url, frame, { connections, window, warmupMs, durationMs, pid }) {
  const sockets = await deadline(Promise.all(Array.from({ length: connections }, () => open(url))), 30_000, `open ${connections} to ${url}`);
  let measuring = false;
  let sending = true;
  let counted = 0;
  let errors = 0;
  let inFlight = 0;
  let drained;
  try {
    for (const ws of sockets) {
      ws.on('message', (data) => {
        inFlight--;
        if (isErrorFrame(data)) errors++;
        else if (measuring) counted++;
        if (sending) {
          inFlight++;
          ws.send(frame);
        } else if (inFlight === 0) drained?.();
      });
    }
    const allReplied = new Promise((resolve) => (drained = resolve));
    for (const ws of sockets) {
      for (let i = 0; i < window; i++) {
        inFlight++;
        ws.send(frame);
      }
    }
    const { elapsedS, ...perReply } = await measureWindow({ warmupMs, durationMs, pid, setMeasuring: (on) => (measuring = on), counted: () => counted });
    sending = false;
    if (inFlight > 0) await deadline(allReplied, 30_000, `drain replies from ${url}`);
    if (errors > 0) throw new Error(`${errors} error frames from ${url}`);
    return { rate: counted / elapsedS, ...perReply };
  } finally {
    await deadline(Promise.all(sockets.map(close)), 30_000, `close ${url}`).catch(() => sockets.forEach((ws) => ws.terminate()));
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
