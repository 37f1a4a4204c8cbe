// The page is served at /<project>/statics/site/; the project's other URLs are its siblings.
const base = location.pathname.split('/statics/')[0];
const $ = (id) => document.getElementById(id);

$('greet').onclick = async () => {
  const answer = await fetch(`${base}/functions/greet`, { method: 'POST', body: JSON.stringify({ name: $('name').value }) });
  $('greeting').textContent = (await answer.json()).greeting;
};

$('save').onclick = async () => {
  const urls = await (await fetch(`${base}/apis/notes/upload_url`, { method: 'POST' })).json();
  await fetch(urls.upload, { method: 'PUT', body: $('note').value });
  $('saved').textContent = `${urls.path}: ${await (await fetch(urls.download)).text()}`;
};

const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const socket = new WebSocket(`${scheme}://${location.host}${base}/sockets/live`);
socket.onmessage = (event) => {
  const item = document.createElement('li');
  item.textContent = event.data;
  $('events').prepend(item);
};
