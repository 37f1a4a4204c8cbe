/**
 * HTTP load generator, identical for the baseline and OpenLess: `concurrency` loops, each
 * GET → read the whole body → repeat, over a keep-alive node:http Agent. Requests that
 * complete inside the measuring window (after a warm-up) are counted; any non-200 fails.
 */
import { Agent, request } from 'node:http';
import { measureWindow } from './processes.mjs';

function get(agent, url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url}: no answer within 10 s`)));
    req.end();
  });
}

/** Returns `{ rate }` requests/s and `cpuUs`: the server's CPU time per request (needs `pid`). */
export async function requestsPerSecond(url, { concurrency, warmupMs, durationMs, pid }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let measuring = false;
  let running = true;
  let counted = 0;
  let failed = 0;
  const loop = async () => {
    while (running) {
      const status = await get(agent, url);
      if (status !== 200) failed++;
      else if (measuring) counted++;
    }
  };
  try {
    const loops = Array.from({ length: concurrency }, loop);
    const stopped = Promise.all(loops);
    // A failing loop stops the run at once instead of after the windows.
    const windows = measureWindow({ warmupMs, durationMs, pid, setMeasuring: (on) => (measuring = on), counted: () => counted });
    const { elapsedS, cpuUs } = await Promise.race([windows, stopped.then(() => ({ elapsedS: NaN, cpuUs: NaN }))]);
    running = false;
    await stopped;
    if (failed > 0) throw new Error(`${failed} requests to ${url} did not answer 200`);
    return { rate: counted / elapsedS, cpuUs };
  } finally {
    running = false;
    agent.destroy();
  }
}
