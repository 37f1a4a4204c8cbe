// Subscribes to `message_created` of the project the `chat-api` folder names: the env var
// CHAT_API if it was set when this project was deployed, else the project `chat-api`.
const { sockets } = require('@chuva.io/less');
const connections = require('connections');

exports.process = async (message) => {
  const ids = await connections.list();
  await sockets.chat.publish(message, ids);
};
