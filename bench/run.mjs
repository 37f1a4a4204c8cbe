#!/usr/bin/env node
/**
 * `npm run bench` — OpenLess against bare baselines, one load generator for both.
 *
 *   node bench/run.mjs           full run (3 rounds, about 4 minutes)
 *   node bench/run.mjs --quick   smoke run (1 short round, < 30 s)
 *
 * Each round starts fresh servers twice (once for the memory figure, once for the
 * latency/throughput figures) — the bare `ws` echo server and the bare `node:http`
 * server as child processes, and an OpenLess server auto-started by `less-cli deploy`
 * (examples/web-sockets + bench/fixtures/api-bench, new LESS_HOME each time) — measures
 * each figure baseline first, OpenLess second (the round trips and messages/s of the echo,
 * the isolation floor and the JavaScript and Python handlers in alternated chunks; last, the
 * round trips with every process on one CPU, where `taskset` exists), and stops them all.
 * The table reports the median of the rounds per side and the median of the per-round
 * ratios (each round is a pair, so background load drifting between rounds cancels out).
 * It is printed and written to bench/results.md. Exit code 0 even when a target fails: this
 * is a measurement.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openless from './openless.mjs';
import { cpuAffinity, freePort, killAllChildrenSync, setCpuAffinity, startBaseline, stopAllChildren } from './processes.mjs';
import { renderTable } from './report.mjs';
import { median, percentile } from './stats.mjs';
import { requestsPerSecond } from './http-load.mjs';
import { holdConnections, interleavedRoundTrips, interleavedThroughput, roundTrips, throughput } from './ws-load.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const quick = process.argv.includes('--quick');

const PLAN = quick
  ? {
      rounds: 1,
      roundTrip: { warmup: 100, count: 300, chunks: 10 },
      oneCpuRoundTrip: { warmup: 100, count: 300, chunks: 2 },
      topicRoundTrip: { warmup: 100, count: 300 },
      throughput: { connections: 50, window: 2, warmupMs: 300, durationMs: 700, chunks: 2 },
      hold: { count: 500, batch: 100 },
      http: { concurrency: 32, warmupMs: 300, durationMs: 700 },
    }
  : {
      rounds: 3,
      roundTrip: { warmup: 20000, count: 3000, chunks: 10 },
      oneCpuRoundTrip: { warmup: 3000, count: 3000, chunks: 10 },
      topicRoundTrip: { warmup: 3000, count: 2000 },
      throughput: { connections: 50, window: 2, warmupMs: 1000, durationMs: 3000, chunks: 6 },
      hold: { count: 5000, batch: 200 },
      http: { concurrency: 32, warmupMs: 1000, durationMs: 3000 },
    };

const FRAME = JSON.stringify({ channel: 'my_channel', data: 'Hello from a socket client.' });
const TOPIC_FRAME = JSON.stringify({ channel: 'publish', data: 'Hello through a topic.' });
const PROJECTS = [
  { name: 'my-less-project', cwd: here('../examples/web-sockets') },
  { name: 'api-bench', cwd: here('./fixtures/api-bench') },
  { name: 'my-less-project-py', cwd: here('../examples/web-sockets-python') },
  { name: 'topics-bench', cwd: here('./fixtures/topics-bench') },
];

/** What the cleanup paths need to know about the current OpenLess server. */
let subjectServer;
/** LESS_HOME of the latest OpenLess server (its log explains a failure). */
let lastHome;

const log = (line) => console.log(`[bench] ${line}`);
const loopback = (url) => url.replace('//localhost:', '//127.0.0.1:');

/** Fresh servers: both baselines and an OpenLess server with its own new LESS_HOME. */
async function startServers(root, port) {
  const home = await mkdtemp(join(root, 'home-'));
  const [wsEcho, wsFloor, httpHello] = await Promise.all([
    startBaseline(here('./baselines/ws-echo.mjs')),
    startBaseline(here('./baselines/ws-worker-echo.mjs')),
    startBaseline(here('./baselines/http-hello.mjs')),
  ]);
  lastHome = home;
  subjectServer = { home, port, pid: undefined };
  const resources = {};
  for (const project of PROJECTS) {
    resources[project.name] = await openless.deploy(project.name, project.cwd, { home, port });
    subjectServer.pid ??= openless.serverPid(home);
  }
  const targets = {
    wsEcho,
    wsFloor,
    httpHello,
    subjectPid: subjectServer.pid,
    baselineWs: `ws://127.0.0.1:${wsEcho.port}/`,
    floorWs: `ws://127.0.0.1:${wsFloor.port}/`,
    subjectWs: loopback(resources['my-less-project'].sockets.demo),
    pythonWs: loopback(resources['my-less-project-py'].sockets.demo),
    topicsWs: loopback(resources['topics-bench'].sockets.bench),
    baselineHttp: `http://127.0.0.1:${httpHello.port}/`,
    subjectHttp: `${loopback(resources['api-bench'].apis.bench)}/ping`,
  };
  await sanityCheck(targets.subjectHttp);
  return targets;
}

async function sanityCheck(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (response.status !== 200 || body !== '{"ok":true}') throw new Error(`GET ${url} answered ${response.status} ${body}`);
}

async function stopServers() {
  await stopAllChildren();
  if (subjectServer) await openless.stop(subjectServer);
  subjectServer = undefined;
}

/** Per figure: one value per round and side (index = round - 1). */
const samples = {};
function record(figure, side, value) {
  samples[figure] ??= { baseline: [], subject: [] };
  samples[figure][side].push(value);
}
const fmt = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

const sidesOf = (t) => [
  { side: 'baseline', ws: t.baselineWs, http: t.baselineHttp, wsPid: t.wsEcho.pid, httpPid: t.httpHello.pid },
  { side: 'subject', ws: t.subjectWs, http: t.subjectHttp, wsPid: t.subjectPid, httpPid: t.subjectPid },
];
const sayer = (round) => (side, text) => log(`round ${round} ${side === 'subject' ? 'OpenLess' : 'baseline'} ${text}`);

/**
 * Connections held, on servers of their own: the growth is not hidden by heap that other
 * figures grew, and the 5,000 disconnects do not run under the latency figures.
 */
async function measureMemory(t, round) {
  const say = sayer(round);
  for (const s of sidesOf(t)) {
    const held = await holdConnections(s.ws, s.wsPid, PLAN.hold);
    record('kib', s.side, held.kibPerConnection);
    say(s.side, `connections held: ${held.opened} opened, ${held.failed} failed, RSS ${held.before} → ${held.after} KiB, ${fmt(held.kibPerConnection)} KiB/connection`);
  }
}

/** Latency and throughput figures, on fresh servers. */
async function measureSpeed(t, round) {
  const say = sayer(round);
  // The servers compared by a ratio are measured in alternated chunks (interleavedRoundTrips,
  // interleavedThroughput): a ratio then compares servers measured side by side.
  const [echoLatencies, jsLatencies, pythonLatencies, floorLatencies] = await interleavedRoundTrips(
    [t.baselineWs, t.subjectWs, t.pythonWs, t.floorWs],
    FRAME,
    PLAN.roundTrip,
  );
  for (const [side, latencies] of [['baseline', echoLatencies], ['subject', jsLatencies]]) {
    record('p50', side, percentile(latencies, 50));
    record('p99', side, percentile(latencies, 99));
    say(side, `round trip p50 ${fmt(percentile(latencies, 50), 3)} ms, p99 ${fmt(percentile(latencies, 99), 3)} ms`);
  }
  const [echo, javascript, floor, python] = await interleavedThroughput(
    [
      { url: t.baselineWs, pid: t.wsEcho.pid },
      { url: t.subjectWs, pid: t.subjectPid },
      { url: t.floorWs, pid: t.wsFloor.pid },
      { url: t.pythonWs, pid: t.subjectPid },
    ],
    FRAME,
    PLAN.throughput,
  );
  for (const [side, figures] of [['baseline', echo], ['subject', javascript]]) {
    const { rate, cpuUs, mainThreadUs, loadGeneratorUs, idleUs } = figures;
    record('msgs', side, rate);
    record('msgCpu', side, cpuUs);
    record('msgMainCpu', side, mainThreadUs);
    record('msgLoadCpu', side, loadGeneratorUs);
    record('msgIdle', side, idleUs);
    say(
      side,
      `messages/s at ${PLAN.throughput.connections} connections: ${fmt(rate, 0)} (per message: server CPU ${fmt(cpuUs, 1)} µs, ` +
        `its main thread ${fmt(mainThreadUs, 1)} µs; load generator ${fmt(loadGeneratorUs, 1)} µs; CPUs idle ${fmt(idleUs, 1)} µs)`,
    );
  }
  recordFloor(floor, floorLatencies, say);
  recordPython(pythonLatencies, python, say);
  await measureTopics(t, say);
  for (const s of sidesOf(t)) {
    const { rate, cpuUs } = await requestsPerSecond(s.http, { ...PLAN.http, pid: s.httpPid });
    record('rps', s.side, rate);
    record('reqCpu', s.side, cpuUs);
    say(s.side, `API GET requests/s: ${fmt(rate, 0)} (server CPU ${fmt(cpuUs, 1)} µs/request)`);
  }
  await measureOnOneCpu(t, say);
}

/**
 * The round trips again with the servers and the load generator all on CPU 0 (information).
 * On a virtual machine whose idle CPUs halt, a thread woken on the other CPU waits 20–30 µs,
 * and the kernel may or may not put the load generator and a server on the same CPU: the
 * 1-connection ratio then measures where the kernel put them. On one CPU, what remains is the
 * work of each server (docs/performance.md). Last in the round: the affinity is not undone
 * for the servers, which stop after it.
 */
async function measureOnOneCpu(t, say) {
  const ownCpus = cpuAffinity(process.pid);
  if (!ownCpus || !setCpuAffinity([t.wsEcho.pid, t.wsFloor.pid, t.subjectPid, process.pid], '0')) {
    say('baseline', 'round trips on one CPU left out: `taskset` (util-linux) is not available');
    return;
  }
  try {
    const [echo, javascript, floor] = await interleavedRoundTrips([t.baselineWs, t.subjectWs, t.floorWs], FRAME, PLAN.oneCpuRoundTrip);
    const [echoP50, javascriptP50, floorP50] = [echo, javascript, floor].map((latencies) => percentile(latencies, 50));
    record('oneCpuP50', 'baseline', echoP50);
    record('oneCpuP50', 'subject', javascriptP50);
    record('oneCpuFloorP50', 'baseline', echoP50);
    record('oneCpuFloorP50', 'subject', floorP50);
    say('subject', `on one CPU: round trip p50 ${fmt(javascriptP50, 3)} ms; bare echo ${fmt(echoP50, 3)} ms, isolation floor ${fmt(floorP50, 3)} ms`);
  } finally {
    setCpuAffinity([process.pid], ownCpus);
  }
}

/**
 * The isolation floor (baselines/ws-worker-echo.mjs): the bare echo with its work on a worker
 * thread. Information only — the distance between it and OpenLess is the runtime's own work
 * per message (request ids, logs, timeouts, the SDK), not the thread hop.
 */
function recordFloor({ rate, cpuUs }, latencies, say) {
  record('floorP50', 'subject', percentile(latencies, 50));
  record('floorP50', 'baseline', samples.p50.baseline.at(-1));
  say('baseline', `isolation floor round trip p50 ${fmt(percentile(latencies, 50), 3)} ms`);
  record('floorMsgs', 'subject', rate);
  record('floorCpu', 'subject', cpuUs);
  record('floorMsgs', 'baseline', samples.msgs.baseline.at(-1));
  record('floorCpu', 'baseline', samples.msgCpu.baseline.at(-1));
  say('baseline', `isolation floor messages/s at ${PLAN.throughput.connections} connections: ${fmt(rate, 0)} (server CPU ${fmt(cpuUs, 1)} µs/message)`);
}

/**
 * The same channel figures through the guide's Python handlers (examples/web-sockets-python),
 * on the same server, measured alongside the JavaScript ones: recorded as figures of their
 * own whose "baseline" is the JavaScript handler of the same round.
 */
function recordPython(latencies, { rate, cpuUs }, say) {
  record('pyP50', 'subject', percentile(latencies, 50));
  record('pyP99', 'subject', percentile(latencies, 99));
  say('subject', `Python handler round trip p50 ${fmt(percentile(latencies, 50), 3)} ms, p99 ${fmt(percentile(latencies, 99), 3)} ms`);
  record('pyMsgs', 'subject', rate);
  record('pyMsgCpu', 'subject', cpuUs);
  say('subject', `Python handler messages/s at ${PLAN.throughput.connections} connections: ${fmt(rate, 0)} (server CPU ${fmt(cpuUs, 1)} µs/message)`);
  for (const [python, javascript] of [['pyP50', 'p50'], ['pyP99', 'p99'], ['pyMsgs', 'msgs'], ['pyMsgCpu', 'msgCpu']]) {
    record(python, 'baseline', samples[javascript].subject.at(-1));
  }
}

/**
 * Topics: a frame's channel handler publishes it to a topic, whose JavaScript subscriber
 * sends it back to the client — a durable publish (one SQLite commit) and a delivery per
 * message. Compared with the plain channel round trip of the same round ("baseline").
 */
async function measureTopics(t, say) {
  const latencies = await roundTrips(t.topicsWs, TOPIC_FRAME, PLAN.topicRoundTrip);
  record('topicP50', 'subject', percentile(latencies, 50));
  record('topicP99', 'subject', percentile(latencies, 99));
  say('subject', `topic round trip p50 ${fmt(percentile(latencies, 50), 3)} ms, p99 ${fmt(percentile(latencies, 99), 3)} ms`);
  const { rate, cpuUs } = await throughput(t.topicsWs, TOPIC_FRAME, { ...PLAN.throughput, pid: t.subjectPid });
  record('topicMsgs', 'subject', rate);
  record('topicCpu', 'subject', cpuUs);
  say('subject', `topic messages/s at ${PLAN.throughput.connections} connections: ${fmt(rate, 0)} (server CPU ${fmt(cpuUs, 1)} µs/message)`);
  for (const [topic, channel] of [['topicP50', 'p50'], ['topicP99', 'p99'], ['topicMsgs', 'msgs'], ['topicCpu', 'msgCpu']]) {
    record(topic, 'baseline', samples[channel].subject.at(-1));
  }
}

/** Medians of each side, and the median of the per-round ratios (rounds are paired). */
function summary(figure) {
  const { baseline = [], subject = [] } = samples[figure] ?? {};
  return { subject: median(subject), baseline: median(baseline), ratio: median(subject.map((value, i) => value / baseline[i])) };
}

function pythonTable() {
  const { throughput: tp, roundTrip } = PLAN;
  return renderTable(
    [
      {
        figure: `channel round trip p50, 1 connection (${roundTrip.count} round trips)`,
        unit: 'ms',
        digits: 3,
        ...summary('pyP50'),
        target: { text: 'ratio ≤ 3×', check: (_s, _b, ratio) => ratio <= 3 },
      },
      { figure: 'channel round trip p99, 1 connection', unit: 'ms', digits: 3, ...summary('pyP99') },
      {
        figure: `messages/s, ${tp.connections} connections × ${tp.window} in flight`,
        digits: 0,
        ...summary('pyMsgs'),
        target: { text: 'ratio ≥ 0.3×', check: (_s, _b, ratio) => ratio >= 0.3 },
      },
      { figure: 'server CPU per message (same run)', unit: 'µs', digits: 1, ...summary('pyMsgCpu') },
    ],
    { subject: 'Python handler', baseline: 'JavaScript handler' },
  );
}

function topicsTable() {
  const { throughput: tp, topicRoundTrip } = PLAN;
  return renderTable(
    [
      {
        figure: `publish → delivered → frame back, p50, 1 connection (${topicRoundTrip.count} round trips)`,
        unit: 'ms',
        digits: 3,
        ...summary('topicP50'),
        target: { text: '≤ 5 ms', check: (s) => s <= 5 },
      },
      { figure: 'publish → delivered → frame back, p99', unit: 'ms', digits: 3, ...summary('topicP99') },
      {
        figure: `durable messages/s, ${tp.connections} connections × ${tp.window} in flight`,
        digits: 0,
        ...summary('topicMsgs'),
        target: { text: '≥ 2,000/s', check: (s) => s >= 2000 },
      },
      { figure: 'server CPU per message (same run)', unit: 'µs', digits: 1, ...summary('topicCpu') },
    ],
    { subject: 'through a topic', baseline: 'plain channel' },
  );
}

/** Round trip p50 at one connection, OpenLess over the bare echo, at most. */
const ROUND_TRIP_TARGET = 2.5;

function table() {
  const { throughput: tp, hold, http, roundTrip } = PLAN;
  return renderTable([
    {
      figure: `channel round trip p50, 1 connection (${roundTrip.count} round trips)`,
      unit: 'ms',
      digits: 3,
      ...summary('p50'),
      target: { text: `ratio ≤ ${ROUND_TRIP_TARGET}×`, check: (_s, _b, ratio) => ratio <= ROUND_TRIP_TARGET },
    },
    { figure: 'channel round trip p99, 1 connection', unit: 'ms', digits: 3, ...summary('p99') },
    { figure: 'isolation floor: round trip p50 of the bare echo with its work on a worker thread', unit: 'ms', digits: 3, ...summary('floorP50') },
    ...(samples.oneCpuP50
      ? [
          { figure: 'round trip p50, every process on one CPU', unit: 'ms', digits: 3, ...summary('oneCpuP50') },
          { figure: 'isolation floor: round trip p50, every process on one CPU', unit: 'ms', digits: 3, ...summary('oneCpuFloorP50') },
        ]
      : []),
    {
      figure: `messages/s, ${tp.connections} connections × ${tp.window} in flight`,
      digits: 0,
      ...summary('msgs'),
      target: { text: 'ratio ≥ 0.8×', check: (_s, _b, ratio) => ratio >= 0.8 },
    },
    { figure: 'server CPU per message (same run)', unit: 'µs', digits: 1, ...summary('msgCpu') },
    { figure: "… of it the server's main thread (OpenLess: the gateway)", unit: 'µs', digits: 1, ...summary('msgMainCpu') },
    { figure: 'load generator CPU per message (same machine)', unit: 'µs', digits: 1, ...summary('msgLoadCpu') },
    { figure: 'CPU time left idle per message (both CPUs)', unit: 'µs', digits: 1, ...summary('msgIdle') },
    { figure: 'isolation floor: messages/s of the bare echo with its work on a worker thread', digits: 0, ...summary('floorMsgs') },
    { figure: 'isolation floor: server CPU per message', unit: 'µs', digits: 1, ...summary('floorCpu') },
    {
      figure: `server memory per open connection (${hold.count.toLocaleString('en-US')} held)`,
      unit: 'KiB',
      digits: 1,
      ...summary('kib'),
      target: { text: '≤ 12 KiB', check: (s) => s <= 12 },
    },
    {
      figure: `API GET requests/s, ${http.concurrency} keep-alive loops`,
      digits: 0,
      ...summary('rps'),
      target: { text: 'ratio ≥ 0.5×', check: (_s, _b, ratio) => ratio >= 0.5 },
    },
    { figure: 'server CPU per API request (same run)', unit: 'µs', digits: 1, ...summary('reqCpu') },
  ]);
}

/** How long the CPUs are watched before the run, and what share of them busy makes its figures suspect. */
const BUSY_SAMPLE_MS = 2000;
const BUSY_WARNING_PERCENT = 25;

const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** All CPUs' time so far, the part of it no thread used, and the part a hypervisor gave to other guests ("steal"), in ticks. */
function cpuTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are time no thread ran.
  return { total: fields.reduce((sum, ticks) => sum + ticks, 0), idle: (fields[3] ?? 0) + (fields[4] ?? 0), steal: fields[7] ?? 0 };
}

/** Percentage of CPU time stolen between two cpuTicks() readings. */
const stolenPercent = (before, after) => (after.total > before.total ? (100 * (after.steal - before.steal)) / (after.total - before.total) : 0);

/**
 * Percentage of all CPUs' time spent running something (not idle, not stolen) over `ms`, before
 * the bench starts anything. The load average cannot tell: it is a minute-long average that
 * still holds the previous run's load when runs follow each other.
 */
async function busyPercent(ms) {
  const before = cpuTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTicks();
  const total = after.total - before.total;
  if (total <= 0) return 0;
  const unused = after.idle - before.idle + (after.steal - before.steal);
  return Math.max(0, (100 * (total - unused)) / total);
}

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'openless-bench-'));
  const port = await freePort();
  const loadBefore = loadAverage();
  const busyBefore = await busyPercent(BUSY_SAMPLE_MS);
  const ticksBefore = cpuTicks();
  log(`${quick ? 'quick' : 'full'} run: ${PLAN.rounds} round(s), node ${process.version}, ${cpus().length} CPUs, ${busyBefore.toFixed(0)} % busy before the run, load average ${loadBefore}, LESS_HOME under ${root}, port ${port}`);
  let failure;
  try {
    for (let round = 1; round <= PLAN.rounds; round++) {
      for (const measure of [measureMemory, measureSpeed]) {
        const targets = await startServers(root, port);
        try {
          await measure(targets, round);
        } finally {
          await stopServers();
        }
      }
    }
  } catch (error) {
    failure = error;
    const tail = lastHome && openless.serverLogTail(lastHome);
    if (tail) console.error(`[bench] last lines of the OpenLess server log:\n${tail}`);
  } finally {
    await stopServers().catch((error) => console.error(error));
    await rm(root, { recursive: true, force: true });
  }
  if (failure) throw failure;

  const loadAfter = loadAverage();
  const stolen = stolenPercent(ticksBefore, cpuTicks());
  const core = table();
  const python = pythonTable();
  const topics = topicsTable();
  const markdown = [
    core.markdown,
    `The guide's Python handlers (examples/web-sockets-python) on the same server, against the JavaScript handlers of the same round:`,
    python.markdown,
    `Topics (bench/fixtures/topics-bench): each frame is published to a topic by its channel handler and sent back by the topic's JavaScript subscriber; against the plain channel round trip of the same round:`,
    topics.markdown,
  ].join('\n\n');
  const failed = [...core.failed, ...python.failed.map((figure) => `Python ${figure}`), ...topics.failed.map((figure) => `topics ${figure}`)];
  const notes = [
    `OpenLess (\`less-cli deploy\` of examples/web-sockets, examples/web-sockets-python, bench/fixtures/api-bench and bench/fixtures/topics-bench) vs bare baselines in their own processes: a \`ws\` echo server and a \`node:http\` server answering \`{"ok":true}\`. The isolation floor rows (information) are that \`ws\` echo with its work on one worker thread (bench/baselines/ws-worker-echo.mjs), in the OpenLess column.`,
    `Median of ${PLAN.rounds} round(s), baseline and OpenLess interleaved (round trips in ${PLAN.roundTrip.chunks} alternated chunks, messages/s in ${PLAN.throughput.chunks}); ratio = median of the per-round ratios OpenLess/baseline; server CPU rows are informational (lower is better).`,
    `node ${process.version}, ${cpus().length} CPUs (load generator on the same machine), ${busyBefore.toFixed(0)} % of the CPUs busy in the ${BUSY_SAMPLE_MS / 1000} s before the run, load average ${loadBefore} → ${loadAfter}, CPU time taken by the hypervisor (steal) ${stolen.toFixed(0)} %${quick ? ', --quick (smoke run, not a measurement)' : ''}.`,
  ];
  // The bench itself loads every CPU, so only the time before it says whether other work was running.
  if (busyBefore >= BUSY_WARNING_PERCENT) notes.push(`**Warning:** other work kept ${busyBefore.toFixed(0)} % of the CPUs busy when the run started; absolute figures are noisy, ratios less so.`);
  // Steal means the VM's CPUs were partly given to other guests: every figure is slower and noisier.
  if (stolen >= 5) notes.push(`**Warning:** the hypervisor took ${stolen.toFixed(0)} % of the CPU time during the run; absolute figures are low and noisy, ratios less so.`);
  // Where the thread hop alone costs more than the target allows, no change to OpenLess can meet it.
  const floorRatio = summary('floorP50').ratio;
  if (floorRatio > ROUND_TRIP_TARGET) {
    notes.push(
      `**Note:** on this machine the isolation floor alone — the bare echo with its work moved to a worker thread, as OpenLess runs every handler — is ${floorRatio.toFixed(2)}× the bare echo's round trip, above the ${ROUND_TRIP_TARGET}× target: the thread hop by itself puts the target out of reach of any runtime that keeps handlers off the socket thread (docs/performance.md, "What it would take").`,
    );
  }
  const text = `${notes.join('\n')}\n\n${markdown}\n`;
  console.log(`\n${text}`);
  await writeFile(here('./results.md'), text);
  log(`table written to bench/results.md`);
  if (failed.length > 0) log(`FAIL: ${failed.length} target(s) not met: ${failed.join('; ')}`);
  else log('PASS: every target met');
}

async function interrupted(signal) {
  log(`${signal}: stopping servers`);
  await stopServers().catch(() => undefined);
  process.exit(130);
}
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
process.once('exit', () => {
  killAllChildrenSync();
  if (subjectServer?.pid) {
    try {
      process.kill(subjectServer.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

main().catch((error) => {
  console.error(`[bench] error: ${error.stack ?? error}`);
  process.exitCode = 1;
});
