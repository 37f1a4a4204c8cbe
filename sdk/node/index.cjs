'use strict';
// '@chuva.io/less' inside an OpenLess handler. A thin client: every rule (key sizes,
// value limits, TTLs) is enforced once, on the server; this file only forwards calls
// to the executor that runs the handler (see src/runtime/js/handler-worker.ts).

const HOST = Symbol.for('openless.host');

function host() {
  const current = globalThis[HOST];
  if (!current) {
    throw new Error('@chuva.io/less can only be used inside a handler run by OpenLess (deploy it with `less-cli deploy <project>`)');
  }
  return current;
}

function serialize(value) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // The server names the broken rule; an unserialisable value arrives as `undefined`.
    return undefined;
  }
}

const kvs = {
  get: (key) => host().call({ op: 'kvs.get', key }),
  set: (key, value, ttl) => host().call({ op: 'kvs.set', key, valueJson: serialize(value), ttl }),
  delete: (key) => host().call({ op: 'kvs.delete', key }),
};

const socketClients = new Map();
const sockets = new Proxy(
  {},
  {
    get(_target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      let client = socketClients.get(name);
      if (!client) {
        client = { publish: (message, connectionIds) => host().publish(name, message, connectionIds) };
        socketClients.set(name, client);
      }
      return client;
    },
  },
);

// `topics.<topic>.publish(message)` resolves once the message is durably stored
// (docs/topics.md). The server checks the topic, the message and its size.
const topicClients = new Map();
const topics = new Proxy(
  {},
  {
    get(_target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      let client = topicClients.get(name);
      if (!client) {
        client = { publish: (message) => host().call({ op: 'topics.publish', topic: name, messageJson: serialize(message) }).then(() => undefined) };
        topicClients.set(name, client);
      }
      return client;
    },
  },
);

exports.kvs = kvs;
exports.sockets = sockets;
exports.topics = topics;
// `functions.<name>(payload)` resolves with the function's result (docs/functions.md). The
// payload travels as JSON; the server checks the name and runs the function.
const functionClients = new Map();
function callFunction(name, payload) {
  let payloadJson;
  if (payload !== undefined) {
    try {
      payloadJson = JSON.stringify(payload);
    } catch (error) {
      return Promise.reject(new TypeError(`functions.${name}: the payload must be JSON-serialisable (${error.message})`));
    }
    if (payloadJson === undefined) {
      return Promise.reject(new TypeError(`functions.${name}: the payload must be JSON-serialisable (got ${typeof payload})`));
    }
  }
  return host().call({ op: 'functions.call', name, payloadJson });
}
const functions = new Proxy(
  {},
  {
    get(_target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      let client = functionClients.get(name);
      if (!client) {
        client = (payload) => callFunction(name, payload);
        functionClients.set(name, client);
      }
      return client;
    },
  },
);
exports.functions = functions;
// Path and expiry rules are checked by the server (src/resources/files/), once for every SDK.
const expiresIn = (options) => (options === undefined || options === null ? undefined : options.expires_in);
const files = {
  create_upload_url: (path, options) => host().call({ op: 'files.uploadUrl', path, expiresIn: expiresIn(options) }),
  get_url: (path, options) => host().call({ op: 'files.getUrl', path, expiresIn: expiresIn(options) }),
};

exports.files = files;
