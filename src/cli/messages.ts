/**
 * Every sentence `less-cli` shows a user, in one place, so wording stays consistent and
 * can be reviewed (and tested) without reading command logic. Errors follow one shape:
 * "<what happened> — <how to fix it>".
 */

const PREFIX = '[less-cli]';

/** One output line with the CLI's prefix. */
export function line(text: string): string {
  return `${PREFIX} ${text}`;
}

export const deployProgress = {
  building: line('Building... ⚙️'),
  built: line('Build complete ✅'),
  deploying: line('Deploying... 🚀'),
  deployed: line('Deployment complete ✅'),
};

export const resourceHeadings = {
  title: 'Resources',
  apis: 'API URLs',
  sockets: 'Web Socket URLs',
  statics: 'Static Website URLs',
  topics: 'Topics URL',
  functions: 'Functions URL',
  crons: 'Cron jobs',
  nextRun: (schedule: string, next: string | null) => `${schedule}, next run ${next ?? 'never (its years are past)'}`,
  none: 'none yet — add folders under less/ (apis, sockets, topics, functions, statics) and deploy again',
};

export const messages = {
  errorLine: (message: string) => line(`Error: ${message}`),
  /** Commander's `error: <what>` (and its `(Did you mean …?)` line) as one error line with the fix. */
  usageError: (commanderText: string, command: string) => {
    const [what = '', ...rest] = commanderText.trim().replace(/^error: /, '').split('\n');
    const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
    return line(`Error: ${what} — ${suggestion ? `did you mean ${suggestion}? See` : 'see'} \`${command} --help\``);
  },
  problemLine: (path: string, problem: string, fix: string) => `  - ${path}: ${problem} (fix: ${fix})`,
  validationHeader: (count: number) =>
    `the project has ${count} problem${count === 1 ? '' : 's'}; nothing was deployed — fix ${count === 1 ? 'it' : 'them'} and deploy again`,

  // Where to find the server.
  badPort: (source: string, value: string) =>
    `${source}=${value} is not a port number — use an integer between 1 and 65535`,
  serverUnreachable: (address: string) =>
    `no OpenLess server answers on ${address} — start one with \`less-cli server start\` (or \`less-cli deploy\` starts it)`,
  connectionFailed: (address: string, reason: string) =>
    `the connection to ${address} failed (${reason}) — check \`less-cli server status\` and $LESS_HOME/server.log`,
  noAnswer: (address: string, seconds: number) =>
    `something on ${address} accepted the connection but did not answer within ${seconds} s — ` +
    `check what listens there (\`less-cli server status\`, $LESS_HOME/server.log), or choose another port with LESS_PORT=<port>`,
  unauthorized: (address: string, tokenFile: string) =>
    `the server on ${address} rejected the admin token from ${tokenFile} — it was probably started with a ` +
    `different LESS_HOME; use that LESS_HOME, or give this one its own port with LESS_PORT=<port>`,
  notOpenLess: (address: string, status: number) =>
    `something answers on ${address} but it is not an OpenLess server (HTTP ${status}) — stop it, or choose another port with LESS_PORT=<port>`,
  serverError: (status: number) =>
    `the server answered HTTP ${status} without an explanation — see $LESS_HOME/server.log`,

  // Deploy.
  projectDirMissing: (root: string) =>
    `project folder ${root} does not exist — run less-cli from your project root or pass --cwd <dir>`,
  lessFolderMissing: (root: string) =>
    `no less/ folder in ${root} — run \`less-cli deploy\` from your project root (the folder that holds less/)`,
  envVarMissing: (name: string) =>
    `less.config lists env var ${name} but it is not set in this shell — export ${name}=... and deploy again`,
  installing: (root: string) => line(`Installing dependencies in ${root} (npm install)...`),
  npmFailed: (root: string, detail: string) =>
    `npm install failed in ${root} (${detail}) — fix the errors shown above, or run npm install yourself, and deploy again`,
  npmMissing: (root: string, reason: string) =>
    `could not run npm in ${root} (${reason}) — install Node.js with npm, or run your package manager yourself, and deploy again`,

  // Server lifecycle.
  serverStarted: (url: string, home: string) => line(`Started an OpenLess server on ${url} (LESS_HOME=${home})`),
  serverLogHint: (logFile: string) => line(`Server log: ${logFile}`),
  portHint: (port: number) =>
    line(`Other commands find this server only with LESS_PORT=${port} — export LESS_PORT=${port} in your shell`),
  alreadyRunning: (url: string, pid: number, home: string) =>
    line(`An OpenLess server is already running on ${url} (pid ${pid}, LESS_HOME=${home})`),
  tlsHalf: (given: string) =>
    line(`TLS needs both a certificate and a key, but only the ${given} was given — set LESS_TLS_CERT and LESS_TLS_KEY (or --tls-cert and --tls-key) together`),
  listening: (url: string, home: string) => line(`OpenLess server listening on ${url} (LESS_HOME=${home})`),
  stopping: line('Shutting down...'),
  portInUse: (address: string) =>
    `${address} is already in use — stop what listens there, or pick another port with --port <port> / LESS_PORT=<port>`,
  startCrashed: (message: string, logFile: string) => `the server failed to start: ${message} — see ${logFile}`,
  startFailedExited: (logFile: string, detail: string) =>
    `the background server exited before it was ready (${detail}) — see ${logFile} for the reason`,
  startFailedTimeout: (seconds: number, logFile: string) =>
    `the background server was not ready after ${seconds} s — see ${logFile}, or run \`less-cli server run\` to watch it start`,
  startFailedSpawn: (reason: string) =>
    `could not start a background server (${reason}) — try \`less-cli server run\` in another terminal`,
  stopped: (pid: number) => line(`Stopped the OpenLess server (pid ${pid})`),
  stopTimeout: (pid: number, seconds: number) =>
    `the server (pid ${pid}) did not exit within ${seconds} s — stop it with \`kill ${pid}\``,
  notRunning: (address: string, home: string) => line(`No OpenLess server is running on ${address} (LESS_HOME=${home})`),
  running: (url: string, pid: number, home: string, version: string) =>
    line(`OpenLess server ${version} running on ${url} (pid ${pid}, LESS_HOME=${home})`),

  // List, log, delete.
  noProjects: line('No projects deployed yet — deploy one with `less-cli deploy <project>` from its root folder'),
  projectNotFound: (name: string) =>
    `project "${name}" is not deployed on this server — run \`less-cli list\` to see the deployed projects`,
  deleted: (name: string) => line(`Deleted ${name}`),
  noFailedMessages: (project: string) => line(`No failed messages in the queues of ${project}`),
  failedMessage: (topic: string, subscriber: string, id: number, attempts: number, publishedAt: string, nextAt: string) =>
    line(`${topic} → ${subscriber}: message ${id}, ${attempts} failed attempt(s), published ${publishedAt}, next attempt ${nextAt}`),
  failedError: (error: string) => line(`    last error: ${error.split('\n')[0]}`),
  moreFailed: (shown: number) => line(`… and more: only the oldest ${shown} are shown — narrow with --topic / --subscriber, or raise --limit`),
  retried: (count: number) => line(`Retrying ${count} failed message(s) now — follow them with less-cli log --follow`),
  purged: (count: number) => line(`Dropped ${count} failed message(s)`),
  logPathMissing: 'no function path given — pass --path <function path>, e.g. --path apis/demo/hello/post (or --function)',
  badTail: (value: string) => `--tail ${value} is not a line count — pass a whole number, e.g. --tail 100`,
  logStreamBroken: (address: string, reason: string) =>
    `the server on ${address} cut the log stream (${reason}) — it may have stopped; check \`less-cli server status\``,
  noLogLines: (path: string) => line(`No log lines yet for ${path} — call it, or use --follow to wait for new lines`),
};

export const help = {
  program: 'Deploy and run Less projects on your own OpenLess server.',
  env:
    '\nEnvironment:\n' +
    '  LESS_HOME   where the server keeps its data, token and log (default ~/.less)\n' +
    '  LESS_PORT   the server port every command talks to (default 8000)\n',
  deploy: 'validate, build and deploy the project in the current folder, then print its URLs',
  json: 'print one JSON object instead of text',
  cwd: 'project root (default: the current folder)',
  list: 'list deployed projects with their created / updated times',
  listResources: "print a deployed project's URLs",
  log: "print a function's log (e.g. --path apis/demo/hello/post)",
  logProject: 'project name',
  logPath: 'function path: apis/<api>/<route>/<verb>, sockets/<socket>/<channel>, topics/<t>/<sub>, crons/<c>, functions/<f>',
  logFunction: 'synonym of --path',
  follow: 'keep streaming new lines until Ctrl-C',
  tail: 'print only the last N entries (0: none, e.g. with --follow to see only new ones)',
  delete: 'remove a project with its connections, schedules and data',
  server: 'manage the local OpenLess server',
  serverStart: 'start a server in the background (log in $LESS_HOME/server.log)',
  serverRun: 'run a server in the foreground until Ctrl-C',
  serverStop: 'stop the running server',
  serverStatus: 'show whether a server is running (exit code 0 either way; use --json in scripts)',
  port: 'port (default $LESS_PORT or 8000)',
  host: 'host to listen on (default 127.0.0.1)',
  tlsCert: 'PEM certificate file: serve https/wss too (default $LESS_TLS_CERT)',
  topics: "inspect a project's topic queues: messages its subscribers failed to process",
  topicsFailed: 'list retained failed messages with their error and attempt count',
  topicsRetry: 'retry the failed messages now',
  topicsPurge: 'drop the failed messages',
  topicsProject: 'the subscribing project',
  topicsTopic: 'only this topic',
  topicsSubscriber: 'only this subscriber (its folder name)',
  topicsLimit: 'list at most n failures, oldest first (default 100)',
  tlsKey: 'PEM private key file for --tls-cert (default $LESS_TLS_KEY)',
};
