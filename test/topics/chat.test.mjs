// examples/chat: a chat API publishes `message_created`; a separate socket service subscribes
// to it as an external topic and pushes each message to its clients — in either deploy order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { startTestServer } from '../helpers/server.mjs';

const api = fileURLToPath(new URL('../../examples/chat/chat-api', import.meta.url));
const sockets = fileURLToPath(new URL('../../examples/chat/chat-sockets', import.meta.url));

for (const order of [['chat-api', 'chat-sockets'], ['chat-sockets', 'chat-api']]) {
  test(`a message POSTed to the chat API reaches a socket client (deployed ${order.join(' then ')})`, async (t) => {
    const server = await startTestServer(t);
    for (const name of order) await server.deploy(name, name === 'chat-api' ? api : sockets);
    const client = await Client.connect(`${server.ws}/chat-sockets/sockets/chat`);
    t.after(() => client.close());
    const posted = await fetch(`${server.base}/chat-api/apis/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ada', text: 'hello, chat' }),
    });
    assert.equal(posted.status, 201);
    const sent = await posted.json();
    assert.deepEqual(await client.nextJson(), sent);
    assert.deepEqual(Object.keys(sent), ['user', 'text', 'sent_at']);
    await server.waitForLog('chat-api', 'topics/message_created/log_message', /INFO \S+ ada: hello, chat$/);
  });
}

test('the chat API refuses a message without user and text', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('chat-api', api);
  const answer = await fetch(`${server.base}/chat-api/apis/chat/messages`, { method: 'POST', body: '{"text": 1}' });
  assert.equal(answer.status, 400);
  assert.deepEqual(await answer.json(), { error: 'send {"user": "<name>", "text": "<message>"}' });
});

for (const listed of [true, false]) {
  test(`the external app is the project its env var names (${listed ? 'listed in less.config' : 'only set in the deploying shell'})`, async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'openless-chat-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    await cp(sockets, root, { recursive: true });
    if (listed) await writeFile(join(root, 'less.config'), 'env_vars: [CHAT_API]\n');
    const server = await startTestServer(t);
    await server.deploy('team-chat', api);
    await server.deploy('chat-sockets', root, { CHAT_API: 'team-chat' });
    const client = await Client.connect(`${server.ws}/chat-sockets/sockets/chat`);
    t.after(() => client.close());
    const posted = await fetch(`${server.base}/team-chat/apis/chat/messages`, { method: 'POST', body: JSON.stringify({ user: 'bo', text: 'renamed' }) });
    assert.equal(posted.status, 201);
    assert.equal((await client.nextJson()).text, 'renamed');
  });
}
