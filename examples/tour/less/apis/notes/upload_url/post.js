// Signed URLs for a note: PUT its text to `upload`, read it back from `download`.
const { files } = require('@chuva.io/less');

exports.process = async (request, response) => {
  const path = `notes/${Date.now()}.txt`;
  response.body = {
    path,
    upload: await files.create_upload_url(path, { expires_in: 300 }),
    download: await files.get_url(path, { expires_in: 300 }),
  };
  return response;
};
