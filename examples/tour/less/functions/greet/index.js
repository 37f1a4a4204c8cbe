// A JavaScript function that calls a Python one: functions cross languages.
const { functions } = require('@chuva.io/less');

exports.process = async ({ name }) => {
  const loud = await functions.shout({ text: name });
  return { greeting: `${process.env.GREETING}, ${loud}!` };
};
