// The ids of the connected chat clients, kept in the key-value store.
const { kvs } = require('@chuva.io/less');

const KEY = 'chat_connections';

exports.list = async () => (await kvs.get(KEY)) ?? [];

exports.add = async (id) => {
  const ids = await exports.list();
  if (!ids.includes(id)) await kvs.set(KEY, [...ids, id]);
};

exports.remove = async (id) => {
  const ids = await exports.list();
  await kvs.set(KEY, ids.filter((other) => other !== id));
};
