// Every subscriber of a topic gets every message; this one only writes it to its log.
exports.process = async (message) => {
  console.log(`${message.user}: ${message.text}`);
};
