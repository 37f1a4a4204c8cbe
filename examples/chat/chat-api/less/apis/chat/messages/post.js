const { topics } = require('@chuva.io/less');

// POST /messages {"user": "ada", "text": "hi"} → publishes `message_created`.
exports.process = async (request, response) => {
  let body;
  try {
    body = JSON.parse(request.body);
  } catch {
    body = undefined;
  }
  if (!body || typeof body.user !== 'string' || typeof body.text !== 'string') {
    response.statusCode = 400;
    response.body = { error: 'send {"user": "<name>", "text": "<message>"}' };
    return response;
  }
  const message = { user: body.user, text: body.text, sent_at: new Date().toISOString() };
  await topics.message_created.publish(message);
  response.statusCode = 201;
  response.body = message;
  return response;
};
