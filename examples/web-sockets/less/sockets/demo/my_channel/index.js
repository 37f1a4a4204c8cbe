const { sockets } = require('@chuva.io/less');

exports.process = async ({ data, connection_id }) => {
  console.log(`Received message from: ${connection_id}`);
  console.log(`Message: ${data}`);

  // Publish a message to the specified connections to the `demo` socket.
  const message = `You said: "${JSON.stringify(data)}"`;
  await sockets.demo.publish(message, [connection_id]);
};
