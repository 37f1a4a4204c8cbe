// Connected browser tabs, kept in the key-value store.
const { kvs } = require('@chuva.io/less');

const KEY = 'tour_clients';

exports.list = async () => (await kvs.get(KEY)) ?? [];
exports.add = async (id) => kvs.set(KEY, [...(await exports.list()).filter((other) => other !== id), id]);
exports.remove = async (id) => kvs.set(KEY, (await exports.list()).filter((other) => other !== id));
