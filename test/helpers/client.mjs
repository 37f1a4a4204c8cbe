// A WebSocket test client whose every observation is an awaited event, never a sleep.
import WebSocket from 'ws';

export class Client {
  /** Connects; resolves once open. Rejects with { status } when the upgrade is refused. */
  static connect(url, options = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new Client(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.frames = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const text = data.toString();
      const waiter = this.waiters.shift();
      if (waiter) waiter(text);
      else this.frames.push(text);
    });
  }

  /** The next text frame from the server. */
  next() {
    if (this.frames.length > 0) return Promise.resolve(this.frames.shift());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async nextJson() {
    return JSON.parse(await this.next());
  }

  send(value) {
    this.ws.send(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
  }

  /** Sends to a channel and returns the next frame. */
  async ask(channel, data) {
    this.send({ channel, data });
    return this.next();
  }

  /** Sends to a channel and returns the next frame, parsed. */
  async askJson(channel, data) {
    return JSON.parse(await this.ask(channel, data));
  }

  /**
   * Sends a frame to `channel` between two frames to the fixtures' `echo` channel, together so
   * that they reach one instance in one batch, and returns the three replies, parsed.
   */
  async betweenEchoes(channel) {
    this.send({ channel: 'echo', data: 'before' });
    this.send({ channel });
    this.send({ channel: 'echo', data: 'after' });
    return [await this.nextJson(), await this.nextJson(), await this.nextJson()];
  }

  /** Its connection id, asked through the fixtures' `whoami` channel. */
  async id() {
    this.send({ channel: 'whoami' });
    return (await this.nextJson()).connection_id;
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}
